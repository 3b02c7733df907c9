package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseMigrationsTest {

    @Test
    void migratingAMigratedDatabaseAppliesNothing() {
        String jdbcUrl = TestDatabase.jdbcUrl();

        assertThat(DatabaseMigrations.migrate(jdbcUrl, TestDatabase.user(), TestDatabase.password())).isZero();
    }
}
