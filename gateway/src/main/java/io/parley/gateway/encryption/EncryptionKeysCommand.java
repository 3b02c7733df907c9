package io.parley.gateway.encryption;

import com.google.crypto.tink.KeysetHandle;
import io.parley.core.engine.RandomIds;
import io.parley.core.model.AuditEvent;
import io.parley.core.port.Clock;
import io.parley.gateway.config.DatabaseProperties;
import io.parley.gateway.ops.CommandContexts;
import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import io.parley.persistence.encryption.KeysetFile;
import io.parley.persistence.postgres.FieldKeyRotation;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.r2dbc.pool.ConnectionPool;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code admin encryption-keys <step>}: one command per step of a key rotation of encryption at rest,
 * run with the server's configuration (profile, env, {@code --name=value}) but without a web server, next
 * to live nodes. See docs/operations.md "Encryption keys".
 * <ul>
 *   <li>{@code init}: writes new keysets where none exist yet (and the key-encryption key, if one is
 *       configured and missing);</li>
 *   <li>{@code status}: the keysets' keys and, per sealed column, how many values each key sealed;</li>
 *   <li>{@code add}: a new key, enabled but not primary (every node must have it before it is promoted);</li>
 *   <li>{@code promote <key id>}: makes the key primary: new values are sealed with it;</li>
 *   <li>{@code reencrypt [--batch-size=N]}: moves values sealed with other keys to the primary, in
 *       batches; safe to stop and run again;</li>
 *   <li>{@code retire <key id>}: removes a key, refused while any value is still sealed with it.</li>
 * </ul>
 * Exit 0 when done, 1 when refused or failed (the reason on standard error), 2 for bad usage.
 */
public final class EncryptionKeysCommand {
    private static final Duration TIMEOUT = Duration.ofHours(12);
    private static final String USAGE = "usage: admin encryption-keys <init | status | add | promote <key id> | "
            + "reencrypt [--batch-size=N] | retire <key id>> [--spring.profiles.active=…]";
    private static final int DEFAULT_BATCH = 500;

    private EncryptionKeysCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Only the configuration this command needs; deliberately not a component, so no scan finds it. */
    @EnableConfigurationProperties({DatabaseProperties.class, EncryptionProperties.class})
    static class Settings {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> springArgs = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int batchSize = DEFAULT_BATCH;
        for (String arg : args) {
            if (arg.startsWith("--batch-size=")) {
                try {
                    batchSize = Integer.parseInt(arg.substring("--batch-size=".length()));
                } catch (NumberFormatException e) {
                    batchSize = 0;
                }
            } else {
                (arg.startsWith("--") ? springArgs : words).add(arg);
            }
        }
        if (words.size() < 3 || !words.subList(0, 2).equals(List.of("admin", "encryption-keys")) || batchSize < 1
                || batchSize > 100_000) {
            err.println(USAGE);
            return 2;
        }
        String step = words.get(2);
        boolean needsKey = step.equals("promote") || step.equals("retire");
        if (!Set.of("init", "status", "add", "promote", "reencrypt", "retire").contains(step)
                || words.size() != (needsKey ? 4 : 3)) {
            err.println(USAGE);
            return 2;
        }
        Integer keyId = null;
        if (needsKey) {
            try {
                keyId = FieldKeysets.parseKeyId(words.get(3));
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            }
        }
        try (ConfigurableApplicationContext context = CommandContexts.start(Settings.class, springArgs)) {
            Step command = new Step(context.getBean(EncryptionProperties.class).files(),
                    context.getBean(DatabaseProperties.class), out, err);
            return switch (step) {
                case "init" -> command.init();
                case "status" -> command.status();
                case "add" -> command.add();
                case "promote" -> command.promote(keyId);
                case "reencrypt" -> command.reencrypt(batchSize);
                default -> command.retire(keyId);
            };
        } catch (RuntimeException e) {
            err.println("encryption-keys " + step + " failed: " + e.getMessage());
            return 1;
        }
    }

    private record Step(EncryptionKeyFiles files, DatabaseProperties db, PrintStream out, PrintStream err) {

        int init() {
            Path kek = files.kek();
            if (kek != null && !kek.toFile().exists()) {
                KeysetFile.createKek(kek);
                out.println("created the key-encryption key " + kek + " (keep it apart from the keysets it wraps)");
            }
            KeysetFile field = files.fieldKeysetFile();
            KeysetFile blindIndex = files.blindIndexKeysetFile();
            if (field.exists() || blindIndex.exists()) {
                err.println("refused: " + (field.exists() ? field.path() : blindIndex.path()) + " exists already "
                        + "(init never replaces a keyset: the values it sealed would be lost)");
                return 1;
            }
            field.write(FieldKeysets.newFieldKeyset());
            blindIndex.write(FieldKeysets.newBlindIndexKeyset());
            out.println("created the field keyset " + field.path() + " and the blind-index keyset " + blindIndex.path()
                    + (kek == null ? "" : ", wrapped by " + kek));
            return 0;
        }

        int status() {
            KeysetHandle field = files.fieldKeysetFile().read();
            KeysetHandle blindIndex = files.blindIndexKeysetFile().read();
            out.println("field keyset " + files.fieldKeyset() + (files.kek() == null ? "" : " (wrapped by " + files.kek() + ")"));
            Map<Integer, FieldKeysets.KeyInfo> keys = new LinkedHashMap<>();
            for (FieldKeysets.KeyInfo key : FieldKeysets.keys(field)) {
                keys.put(key.id(), key);
                out.printf("  key %-10s %s%s%n", key.idString(), key.status(), key.primary() ? "  primary" : "");
            }
            out.println("blind-index keyset " + files.blindIndexKeyset() + ": key "
                    + FieldKeysets.keyId(blindIndex.getPrimary().getId()));
            return withDatabase(FieldEncryption.load(files), (pool, encryption) -> {
                List<FieldKeyRotation.KeyUsage> usage = new FieldKeyRotation(pool, encryption).usage().collectList()
                        .block(TIMEOUT);
                out.println("sealed values by key:");
                Map<String, Long> totals = new TreeMap<>();
                for (FieldKeyRotation.KeyUsage row : usage == null ? List.<FieldKeyRotation.KeyUsage>of() : usage) {
                    String key = label(row.keyId(), keys);
                    out.printf("  %-34s %-36s %,d%n", row.field(), key, row.rows());
                    totals.merge(key, row.rows(), Long::sum);
                }
                out.println("total by key:");
                keys.values().forEach(key -> totals.putIfAbsent(label(key.id(), keys), 0L));
                totals.forEach((key, rows) -> out.printf("  %-36s %,d%n", key, rows));
                return 0;
            });
        }

        int add() {
            KeysetFile file = files.fieldKeysetFile();
            KeysetHandle before = file.read();
            KeysetHandle after = FieldKeysets.withNewKey(before);
            file.write(after);
            String id = FieldKeysets.keyId(FieldKeysets.addedKeys(before, after).iterator().next());
            out.println("added key " + id + " to " + file.path() + " (enabled, not primary: it opens, it does not seal yet)");
            out.println("next: once every node has read the file (parley.encryption.reload-interval after it "
                    + "changed), run: encryption-keys promote " + id);
            auditQuietly(AuditEvent.Kind.ENCRYPTION_KEY_ADDED, Map.of("key", id));
            return 0;
        }

        int promote(int keyId) {
            KeysetFile file = files.fieldKeysetFile();
            file.write(FieldKeysets.promoted(file.read(), keyId));
            out.println("key " + FieldKeysets.keyId(keyId) + " is the primary key of " + file.path()
                    + ": nodes seal new values with it once they have read the file");
            out.println("next: after parley.encryption.reload-interval, run: encryption-keys reencrypt");
            auditQuietly(AuditEvent.Kind.ENCRYPTION_KEY_PROMOTED, Map.of("key", FieldKeysets.keyId(keyId)));
            return 0;
        }

        int reencrypt(int batchSize) {
            FieldEncryption encryption = FieldEncryption.load(files);
            String primary = FieldKeysets.keyId(encryption.primaryKeyId());
            return withDatabase(encryption, (pool, keys) -> {
                Map<String, long[]> byField = new LinkedHashMap<>();
                new FieldKeyRotation(pool, keys).reencrypt(batchSize)
                        .doOnNext(batch -> {
                            long[] counts = byField.computeIfAbsent(batch.field(), field -> new long[2]);
                            counts[0] += batch.resealed();
                            counts[1] += batch.unreadable();
                            if (batch.resealed() + batch.unreadable() > 0) {
                                out.printf("  %-34s %,d resealed with key %s so far%n", batch.field(), counts[0], primary);
                            }
                        })
                        .then()
                        .block(TIMEOUT);
                long resealed = byField.values().stream().mapToLong(counts -> counts[0]).sum();
                long unreadable = byField.values().stream().mapToLong(counts -> counts[1]).sum();
                out.printf("resealed %,d value(s) with the primary key %s%n", resealed, primary);
                audit(pool, keys, AuditEvent.Kind.ENCRYPTION_REENCRYPTED, Map.of("key", primary,
                        "resealed", Long.toString(resealed), "unreadable", Long.toString(unreadable)));
                if (unreadable > 0) {
                    err.printf("%,d value(s) did not open (altered, or copied from another row) and were left as they "
                            + "are; status shows their keys, which cannot be retired while they remain%n", unreadable);
                    return 1;
                }
                out.println("next: check with encryption-keys status, then retire the old key(s)");
                return 0;
            });
        }

        int retire(int keyId) {
            KeysetFile file = files.fieldKeysetFile();
            KeysetHandle keyset = file.read();
            String id = FieldKeysets.keyId(keyId);
            if (FieldKeysets.keys(keyset).stream().noneMatch(key -> key.id() == keyId)) {
                err.println("refused: " + file.path() + " has no key " + id);
                return 1;
            }
            if (keyset.getPrimary().getId() == keyId) {
                err.println("refused: key " + id + " is the primary key; promote another key first");
                return 1;
            }
            return withDatabase(FieldEncryption.load(files), (pool, encryption) -> {
                long inUse = new FieldKeyRotation(pool, encryption).rowsUnder(keyId).blockOptional(TIMEOUT).orElse(0L);
                if (inUse > 0) {
                    err.printf("refused: %,d value(s) are still sealed with key %s; run encryption-keys reencrypt "
                            + "first (status shows where they are)%n", inUse, id);
                    return 1;
                }
                file.write(FieldKeysets.without(keyset, keyId));
                out.println("retired key " + id + ": removed from " + file.path()
                        + " (nodes drop it when they read the file; backups older than this still need it)");
                audit(pool, encryption, AuditEvent.Kind.ENCRYPTION_KEY_RETIRED, Map.of("key", id));
                return 0;
            });
        }

        private String label(@Nullable Integer keyId, Map<Integer, FieldKeysets.KeyInfo> keys) {
            if (keyId == null) {
                return "(not a Tink ciphertext)";
            }
            FieldKeysets.KeyInfo key = keys.get(keyId);
            if (key == null) {
                return "key " + FieldKeysets.keyId(keyId) + " (NOT IN THE KEYSET)";
            }
            return "key " + key.idString() + (key.primary() ? " (primary)" : "");
        }

        private int withDatabase(FieldEncryption encryption, DatabaseWork work) {
            ConnectionPool pool = PostgresConnections.pool(db.r2dbcUrl(), db.username(), db.password(), 2);
            try {
                return work.apply(pool, encryption);
            } finally {
                pool.dispose();
                encryption.close();
            }
        }

        /** The step is done already; an audit trail out of reach is reported, not a failure of the step. */
        private void audit(ConnectionPool pool, FieldEncryption encryption, AuditEvent.Kind kind,
                           Map<String, String> details) {
            try {
                new PostgresAdapters(pool, Clock.system(), new RandomIds(), encryption).auditTrail()
                        .record(new AuditEvent(kind, null, null, details, Instant.now()))
                        .block(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                err.println("warning: the step was not recorded in the audit trail: " + e.getMessage());
            }
        }

        private void auditQuietly(AuditEvent.Kind kind, Map<String, String> details) {
            try {
                withDatabase(FieldEncryption.load(files), (pool, encryption) -> {
                    audit(pool, encryption, kind, details);
                    return 0;
                });
            } catch (RuntimeException e) {
                err.println("warning: the step was not recorded in the audit trail: " + e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface DatabaseWork {
        int apply(ConnectionPool pool, FieldEncryption encryption);
    }
}
