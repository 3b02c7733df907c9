package io.parley.gateway.backup;

import io.parley.core.port.Clock;
import io.parley.gateway.config.DatabaseProperties;
import io.parley.gateway.ops.CommandContexts;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code backup <create|list|verify|restore|prune|new-keyset|rotate-keyset>}: the encrypted backups of
 * the configured database in {@code parley.backup.directory}. It reads the same configuration as the
 * server (profile, environment, {@code --name=value} arguments) but starts no server, so it runs next
 * to live nodes, from {@code scripts/backup} or from the deployed jar (see docs/operations.md, "Backups").
 * Exit 0 when done, 1 when it failed, 2 for bad usage.
 */
public final class BackupCommand {
    static final String USAGE = """
            usage: backup create
                   backup list
                   backup verify <name>
                   backup restore <name> --to postgresql://user@host:5432/database [--force]
                   backup prune [--dry-run]
                   backup new-keyset [<file>]      (default: parley.backup.keyset-file; never overwrites)
                   backup rotate-keyset [<file>]   (adds a new primary key; older backups still restore)
              plus Spring arguments such as --spring.profiles.active=prod or --parley.backup.directory=…""";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Set<String> SUBCOMMANDS = Set.of("create", "list", "verify", "restore", "prune", "new-keyset",
            "rotate-keyset");

    private BackupCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Only the configuration this command needs; deliberately not a component, so no scan finds it. */
    @EnableConfigurationProperties({DatabaseProperties.class, BackupProperties.class})
    static class Settings {
    }

    /** The words and flags of one command line. */
    private record Request(String subcommand, List<String> operands, @Nullable String to, boolean force, boolean dryRun,
                           List<String> springArgs) {

        static @Nullable Request parse(String[] args) {
            List<String> words = new ArrayList<>();
            List<String> springArgs = new ArrayList<>();
            String to = null;
            boolean force = false;
            boolean dryRun = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--to") && i + 1 < args.length) {
                    to = args[++i];
                } else if (arg.startsWith("--to=")) {
                    to = arg.substring("--to=".length());
                } else if (arg.equals("--force")) {
                    force = true;
                } else if (arg.equals("--dry-run")) {
                    dryRun = true;
                } else if (arg.startsWith("--") && arg.contains("=")) {
                    springArgs.add(arg);
                } else if (arg.startsWith("-")) {
                    return null;
                } else {
                    words.add(arg);
                }
            }
            if (words.isEmpty() || !words.get(0).equals("backup") && !SUBCOMMANDS.contains(words.get(0))) {
                return null;
            }
            List<String> rest = words.get(0).equals("backup") ? words.subList(1, words.size()) : words;
            if (rest.isEmpty() || !SUBCOMMANDS.contains(rest.get(0))) {
                return null;
            }
            Request request = new Request(rest.get(0), List.copyOf(rest.subList(1, rest.size())), to, force, dryRun,
                    springArgs);
            return request.valid() ? request : null;
        }

        private boolean valid() {
            boolean noFlags = to == null && !force && !dryRun;
            return switch (subcommand) {
                case "create", "list" -> operands.isEmpty() && noFlags;
                case "verify" -> operands.size() == 1 && noFlags;
                case "restore" -> operands.size() == 1 && to != null && !to.isBlank() && !dryRun;
                case "prune" -> operands.isEmpty() && to == null && !force;
                case "new-keyset", "rotate-keyset" -> operands.size() <= 1 && noFlags;
                default -> false;
            };
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Clock.system());
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Request request = Request.parse(args);
        if (request == null) {
            err.println(USAGE);
            return 2;
        }
        List<String> springArgs = new ArrayList<>(request.springArgs());
        try (ConfigurableApplicationContext context = CommandContexts.start(Settings.class, springArgs)) {
            BackupProperties properties = context.getBean(BackupProperties.class);
            return switch (request.subcommand()) {
                case "new-keyset" -> newKeyset(keysetFile(request, properties), out);
                case "rotate-keyset" -> rotateKeyset(keysetFile(request, properties), out);
                default -> {
                    try (Backups backups = Backups.configured(properties, context.getBean(DatabaseProperties.class), clock)) {
                        yield execute(request, backups, out, clock);
                    }
                }
            };
        } catch (RuntimeException e) {
            err.println("backup " + request.subcommand() + " failed: " + rootMessage(e));
            return 1;
        }
    }

    private static int execute(Request request, Backups backups, PrintStream out, Clock clock) {
        switch (request.subcommand()) {
            case "create" -> {
                Backups.Created created = backups.create();
                out.printf(Locale.ROOT, "created %s (%s, %.1f s) in %s%n", created.name(), size(created.size()),
                        created.took().toMillis() / 1000.0, backups.locations());
            }
            case "list" -> list(backups, out, clock.now());
            case "verify" -> {
                BackupName name = backups.verify(request.operands().get(0));
                out.println("backup " + name + " decrypts whole: it is intact and made with this keyset");
            }
            case "restore" -> {
                Backups.Restored restored = backups.restore(request.operands().get(0), new PgTarget(request.to(), null),
                        request.force());
                out.println("restored " + restored.name() + " into " + restored.target().display()
                        + (restored.replaced() ? " (its objects replaced)" : "") + "; tables, views and sequences there now: "
                        + restored.relations());
            }
            case "prune" -> {
                if (request.dryRun()) {
                    Set<BackupName> doomed = backups.wouldPrune();
                    out.println(doomed.isEmpty() ? "nothing to prune" : "would delete:");
                    doomed.forEach(name -> out.println("  " + name));
                } else {
                    Backups.Pruned pruned = backups.prune();
                    out.println("deleted " + pruned.deleted().size() + ", kept " + pruned.kept().size());
                    pruned.deleted().forEach(name -> out.println("  deleted " + name));
                }
            }
            default -> throw new IllegalStateException("unhandled subcommand " + request.subcommand());
        }
        return 0;
    }

    private static void list(Backups backups, PrintStream out, Instant now) {
        List<Backups.Listed> listed = backups.listEverywhere();
        if (listed.isEmpty()) {
            out.println("no backups in " + backups.locations());
            return;
        }
        out.printf(Locale.ROOT, "%-42s  %-19s  %10s  %-8s  %s%n", "NAME", "CREATED (UTC)", "SIZE", "AGE", "WHERE");
        for (Backups.Listed backup : listed) {
            String where = backup.inDirectory() && backup.inBucket() ? "directory, bucket"
                    : backup.inDirectory() ? "directory" : "bucket";
            out.printf(Locale.ROOT, "%-42s  %-19s  %10s  %-8s  %s%n", backup.name(), SHOWN.format(backup.name().createdAt()),
                    size(backup.size()), age(Duration.between(backup.name().createdAt(), now)), where);
        }
    }

    private static Path keysetFile(Request request, BackupProperties properties) {
        if (!request.operands().isEmpty()) {
            return Path.of(request.operands().get(0));
        }
        if (BackupProperties.unset(properties.keysetFile())) {
            throw new BackupException("name the keyset file, or set parley.backup.keyset-file (PARLEY_BACKUP_KEYSET)");
        }
        return properties.keysetFile();
    }

    private static int newKeyset(Path file, PrintStream out) {
        BackupKeyset.create(file);
        out.println("created backup keyset " + file + " (one AES256-GCM-HKDF key, 1 MB segments); keep it secret,"
                + " and keep it: without it no backup made with it can be restored");
        return 0;
    }

    private static int rotateKeyset(Path file, PrintStream out) {
        int keys = BackupKeyset.rotate(file);
        out.println("added a new primary key to " + file + " (" + keys + " keys now); new backups use it, older"
                + " ones still restore. Remove an old key only once every backup made with it is pruned (7 days).");
        return 0;
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String age(Duration age) {
        if (age.isNegative()) {
            return "in the future";
        }
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        return days > 0 ? days + "d " + hours + "h" : hours > 0 ? hours + "h " + minutes + "m" : minutes + "m";
    }

    private static String rootMessage(Throwable e) {
        Throwable shown = e;
        // Spring wraps binding and validation failures; the first of ours (or the innermost) says what is wrong
        while (shown.getClass().getName().startsWith("org.springframework.") && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null ? shown.toString() : shown.getMessage();
        Throwable cause = shown.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause + ")";
        }
        return message;
    }
}
