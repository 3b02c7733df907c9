package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/** A schema of its own in the test database, for tests that migrate step by step and look at raw rows. */
final class ScratchSchema {
    private ScratchSchema() {
    }

    /** Migrations up to {@code target} (all when null), with the test keysets or none. */
    static Flyway flyway(String schema, String target, boolean withKeys) {
        var configuration = DatabaseMigrations.configuration(withKeys ? TestKeys.encryption() : null)
                .dataSource(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password())
                .schemas(schema);
        return (target == null ? configuration : configuration.target(target)).load();
    }

    static void execute(String schema, String sql) throws SQLException {
        try (Connection db = connect(schema); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of every row. */
    static List<String> rows(String schema, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection db = connect(schema); Statement statement = db.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private static Connection connect(String schema) throws SQLException {
        Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
        db.setSchema(schema);
        return db;
    }
}
