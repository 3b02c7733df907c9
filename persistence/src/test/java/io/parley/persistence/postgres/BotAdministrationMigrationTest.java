package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V8 on data written before it: each bot gets the union of its keys' origins and allows native clients
 * if any of its keys did. Runs in a schema of its own, migrated to V7 first, then dropped.
 */
class BotAdministrationMigrationTest {

    @Test
    void eachBotTakesTheUnionOfItsKeysOriginsAndTheOrOfTheirNativeFlags() throws SQLException {
        String schema = "v8_check_" + RandomIds.suffix().substring(0, 12);
        try {
            flyway(schema, "7").migrate();
            execute(schema, """
                    INSERT INTO workspaces (id, name) VALUES ('w_m', 'M');
                    INSERT INTO bots (id, workspace_id, name, greeting, responder) VALUES
                        ('b_two_keys', 'w_m', 'Two', 'Hi', 'knowledge_base'),
                        ('b_no_keys', 'w_m', 'None', 'Hi', 'synthetic'),
                        ('b_browser', 'w_m', 'Browser', 'Hi', 'knowledge_base');
                    INSERT INTO widget_keys (key, bot_id, allowed_origins, allow_native_clients) VALUES
                        ('pk_a', 'b_two_keys', '{https://a.example,https://b.example}', false),
                        ('pk_b', 'b_two_keys', '{https://b.example,https://c.example}', true),
                        ('pk_c', 'b_browser', '{https://x.example}', false);
                    """);

            flyway(schema, null).migrate();

            assertThat(rows(schema, "SELECT id || ' ' || allowed_origins::text || ' ' || allow_native_clients "
                    + "FROM bots ORDER BY id")).containsExactly(
                    "b_browser {https://x.example} false",
                    "b_no_keys {} false",
                    "b_two_keys {https://a.example,https://b.example,https://c.example} true");
            assertThat(rows(schema, "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                    + schema + "' AND table_name = 'widget_keys' ORDER BY column_name"))
                    .containsExactly("bot_id", "created_at", "enabled", "key");
        } finally {
            execute("public", "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static Flyway flyway(String schema, String target) {
        var configuration = DatabaseMigrations.configuration(TestKeys.encryption())
                .dataSource(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password())
                .schemas(schema);
        return (target == null ? configuration : configuration.target(target)).load();
    }

    private static void execute(String schema, String sql) throws SQLException {
        try (Connection db = connect(schema); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> rows(String schema, String sql) throws SQLException {
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
