package io.parley.persistence.postgres;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static io.parley.persistence.postgres.ScratchSchema.execute;
import static io.parley.persistence.postgres.ScratchSchema.flyway;
import static io.parley.persistence.postgres.ScratchSchema.rows;
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
            flyway(schema, "7", true).migrate();
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

            flyway(schema, null, true).migrate();

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
}
