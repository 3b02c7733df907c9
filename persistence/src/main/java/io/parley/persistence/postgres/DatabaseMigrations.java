package io.parley.persistence.postgres;

import org.flywaydb.core.Flyway;

/** The schema, migrated by Flyway from {@code classpath:db/migration}. */
public final class DatabaseMigrations {

    private DatabaseMigrations() {
    }

    /**
     * Brings the database at {@code jdbcUrl} up to the newest migration; safe to run from several nodes at
     * once (Flyway takes a lock). Returns how many migrations it applied.
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
