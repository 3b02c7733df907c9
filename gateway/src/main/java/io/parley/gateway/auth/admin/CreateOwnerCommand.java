package io.parley.gateway.auth.admin;

import io.parley.core.engine.RandomIds;
import io.parley.core.port.Clock;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.magiclink.EmailAddresses;
import io.parley.gateway.auth.magiclink.MagicLinkIssuer;
import io.parley.gateway.auth.magiclink.OperatorLogin;
import io.parley.gateway.config.DatabaseProperties;
import io.parley.gateway.ops.CommandContexts;
import io.parley.gateway.encryption.EncryptionProperties;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.postgres.DatabaseMigrations;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.r2dbc.pool.ConnectionPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

/**
 * The first owner, without any mail server:
 * {@code admin create-owner --email a@b.c [--workspace "Name"] [--spring.profiles.active=prod]}.
 * Creates the operator (magic-link identity) and, if they have no workspace yet, a workspace owned
 * by them; then prints a single-use login link (same lifetime as mailed ones) to standard output —
 * the terminal, never a log. Running it again for the same address only prints a fresh link.
 *
 * <p>It reads the same configuration as the server (profile, env, {@code --name=value} arguments)
 * but starts no web server, so it can run next to a live node. From the jar:
 * {@code java -cp parley-gateway.jar -Dloader.main=io.parley.gateway.auth.admin.CreateOwnerCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher admin create-owner --email …}, or
 * {@code scripts/create-owner --email …}.
 */
public final class CreateOwnerCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CreateOwnerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Only the configuration this command needs; deliberately not a component, so no scan finds it. */
    @EnableConfigurationProperties({DatabaseProperties.class, AuthProperties.class, EncryptionProperties.class})
    static class Settings {
    }

    /** Exit status: 0 with the link printed to {@code out}, 2 for bad usage, 1 when it failed. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> springArgs = new ArrayList<>();
        String email = null;
        String workspace = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--email") || arg.equals("--workspace")) && i + 1 < args.length) {
                if (arg.equals("--email")) {
                    email = args[++i];
                } else {
                    workspace = args[++i];
                }
            } else if (arg.startsWith("--email=")) {
                email = arg.substring("--email=".length());
            } else if (arg.startsWith("--workspace=")) {
                workspace = arg.substring("--workspace=".length());
            } else if (arg.startsWith("--")) {
                springArgs.add(arg);
            } else {
                words.add(arg);
            }
        }
        Optional<String> address = EmailAddresses.normalise(email);
        if (!words.equals(List.of("admin", "create-owner")) || address.isEmpty()
                || (workspace != null && workspace.isBlank())) {
            err.println("usage: admin create-owner --email <address> [--workspace <name>] [--spring.profiles.active=…]");
            return 2;
        }
        String workspaceName = workspace != null ? workspace.strip() : address.get() + "'s workspace";
        try (ConfigurableApplicationContext context = CommandContexts.start(Settings.class, springArgs)) {
            String link = createOwner(context.getBean(DatabaseProperties.class), context.getBean(AuthProperties.class),
                    context.getBean(EncryptionProperties.class), address.get(), workspaceName);
            out.println("Single-use login link for " + address.get() + " (valid "
                    + context.getBean(AuthProperties.class).magicLinkLifetime().toMinutes() + " minutes):");
            out.println(link);
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("create-owner failed: " + e.getMessage());
            return 1;
        }
    }

    private static String createOwner(DatabaseProperties db, AuthProperties auth, EncryptionProperties keys,
                                      String email, String workspaceName) {
        FieldEncryption encryption = FieldEncryption.load(keys.files());
        DatabaseMigrations.migrate(db.jdbcUrl(), db.username(), db.password(), encryption);
        ConnectionPool pool = PostgresConnections.pool(db.r2dbcUrl(), db.username(), db.password(), 2);
        try {
            Clock clock = Clock.system();
            PostgresAdapters postgres = new PostgresAdapters(pool, clock, new RandomIds(), encryption);
            MagicLinkIssuer issuer = new MagicLinkIssuer(postgres.magicLinks(), auth, clock);
            return postgres.operators()
                    .findOrCreate(OperatorLogin.identityOf(email), email, email.substring(0, email.indexOf('@')))
                    .flatMap(owner -> postgres.workspaces().membershipsOf(owner.id()).hasElements()
                            .flatMap(hasWorkspace -> hasWorkspace
                                    ? Mono.empty()
                                    : postgres.workspaces().createOwnedBy(workspaceName, owner.id()).then()))
                    .then(issuer.issue(email))
                    .block(TIMEOUT);
        } finally {
            pool.dispose();
        }
    }
}
