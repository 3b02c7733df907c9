package io.parley.persistence.postgres;

import io.parley.persistence.encryption.FieldEncryption;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * The schema, migrated by Flyway from {@code classpath:db/migration} and the one Java migration, V13,
 * which seals the values of databases written before encryption at rest (it needs the keysets).
 */
public final class DatabaseMigrations {

    private DatabaseMigrations() {
    }

    /**
     * Brings the database at {@code jdbcUrl} up to the newest migration; safe to run from several nodes at
     * once (Flyway takes a lock). Returns how many migrations it applied.
     */
    public static int migrate(String jdbcUrl, String user, String password, FieldEncryption encryption) {
        return configuration(encryption).dataSource(jdbcUrl, user, password).load().migrate().migrationsExecuted;
    }

    /**
     * Like {@link #migrate(String, String, String, FieldEncryption)} without keysets: enough for a new or an
     * already sealed database; fails on one that still holds values to seal.
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        return configuration(null).dataSource(jdbcUrl, user, password).load().migrate().migrationsExecuted;
    }

    /** Flyway configured with Parley's migrations, to add a data source (and a schema or target) to. */
    public static FluentConfiguration configuration(@Nullable FieldEncryption encryption) {
        return Flyway.configure()
                .locations("classpath:db/migration")
                .javaMigrations(new SealPlaintextColumns(encryption));
    }
}
