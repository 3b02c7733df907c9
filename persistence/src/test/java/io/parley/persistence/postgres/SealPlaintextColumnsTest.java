package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.ScratchSchema.execute;
import static io.parley.persistence.postgres.ScratchSchema.flyway;
import static io.parley.persistence.postgres.ScratchSchema.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.model.ConversationId;
import io.parley.core.model.Identity;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.pool.ConnectionPool;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Upgrading a database written before encryption at rest: V13 seals every plaintext value and computes
 * the blind indexes, V14 drops the plaintext, and the adapters read everything as before. Runs in a
 * schema of its own, migrated to V11 first, then dropped.
 */
class SealPlaintextColumnsTest {

    private static final String SECRET_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String LINK_HASH_HEX = "ab".repeat(32);

    @Test
    void anExistingDatabaseIsSealedOnUpgradeAndReadsAsBefore() throws SQLException {
        String schema = "v13_check_" + RandomIds.suffix().substring(0, 12);
        try {
            flyway(schema, "11", false).migrate();
            execute(schema, """
                    INSERT INTO workspaces (id, name) VALUES ('w_m', 'M');
                    INSERT INTO bots (id, workspace_id, name, greeting, responder, openai_base_url, openai_model,
                                      openai_api_key)
                        VALUES ('b_m', 'w_m', 'Legacy', 'Hi', 'openai', 'https://api.example/v1', 'gpt', 'sk-legacy-key');
                    INSERT INTO visitors (id, workspace_id, created_at, external_id, email, name, phone, ip_address, verified)
                        VALUES ('v_m', 'w_m', now(), 'crm-legacy', 'Legacy.User@Example.com', 'Lee Gacy', '+1 555 0199',
                                '198.51.100.7', true),
                               ('v_anonymous', 'w_m', now(), NULL, NULL, NULL, NULL, NULL, false);
                    INSERT INTO conversations (id, workspace_id, bot_id, visitor_id, last_seq, created_at)
                        VALUES ('c_m', 'w_m', 'b_m', 'v_m', 3, now());
                    INSERT INTO events (conversation_id, seq, kind, message_id, author_role, author_id, author_name, text,
                                        created_at)
                        VALUES ('c_m', 1, 'message', 'm_m1', 'visitor', 'v_m', 'Visitor', 'my order 4711 is late', now()),
                               ('c_m', 2, 'message', 'm_m2', 'bot', 'b_m', 'Legacy', 'sorry to hear that', now());
                    INSERT INTO events (conversation_id, seq, kind, handoff_state, created_at)
                        VALUES ('c_m', 3, 'handoff', 'requested', now());
                    INSERT INTO bot_identity_secrets (id, bot_id, slot, secret, created_at)
                        VALUES ('is_m', 'b_m', 1, decode('%s', 'hex'), now());
                    INSERT INTO operators (id, email, display_name, created_at) VALUES ('o_m', 'owner@example.com', 'Owner', now());
                    INSERT INTO operator_identities (issuer, subject, operator_id, created_at)
                        VALUES ('parley:magic-link', 'owner@example.com', 'o_m', now()),
                               ('https://accounts.google.com', '1234567890', 'o_m', now());
                    INSERT INTO invites (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
                        VALUES ('inv_m', 'w_m', 'invitee@example.com', 'agent', decode('%s', 'hex'), 'o_m', now(),
                                now() + interval '1 day');
                    INSERT INTO magic_links (token_hash, email, created_at, expires_at)
                        VALUES (decode('%s', 'hex'), 'owner@example.com', now(), now() + interval '15 minutes');
                    """.formatted(SECRET_HEX, "cd".repeat(32), LINK_HASH_HEX));

            // without the keysets the upgrade stops before anything is lost, and says why
            assertThatThrownBy(() -> flyway(schema, null, false).migrate())
                    .hasStackTraceContaining("values written before encryption at rest");
            assertThat(rows(schema, "SELECT text_plaintext FROM events WHERE seq = 1")).containsExactly("my order 4711 is late");

            flyway(schema, null, true).migrate();

            assertThat(rows(schema, "SELECT table_name || '.' || column_name FROM information_schema.columns "
                    + "WHERE table_schema = '" + schema + "' AND column_name LIKE '%plaintext'")).isEmpty();
            assertThat(rows(schema, """
                    SELECT concat_ws(' ', t.text, v.external_id, v.email, v.name, v.phone, v.ip_address, b.openai_api_key,
                                     o.email, i.email, l.email)
                      FROM events t, visitors v, bots b, operators o, invites i, magic_links l
                     WHERE t.seq = 1 AND v.id = 'v_m'""")).singleElement().satisfies(all -> assertThat(all)
                    .doesNotContain(hex("4711")).doesNotContain(hex("Legacy")).doesNotContain(hex("example.com"))
                    .doesNotContain(hex("sk-legacy")).doesNotContain(hex("555")));
            assertThat(rows(schema, "SELECT encode(secret, 'hex') FROM bot_identity_secrets"))
                    .singleElement().satisfies(secret -> assertThat(secret).doesNotContain(SECRET_HEX.substring(0, 16)));

            ConnectionPool pool = PostgresConnections.pool(TestDatabase.r2dbcUrl() + "?schema=" + schema,
                    TestDatabase.user(), TestDatabase.password(), 2);
            try {
                PostgresAdapters upgraded = new PostgresAdapters(pool, Clock.system(), new RandomIds(),
                        TestKeys.encryption());
                WorkspaceId workspace = new WorkspaceId("w_m");
                StepVerifier.create(upgraded.messageLog().read(new ConversationId("c_m"), 0, 10, 10))
                        .assertNext(e -> assertThat(((StoredEvent.Message) e).text()).isEqualTo("my order 4711 is late"))
                        .assertNext(e -> assertThat(((StoredEvent.Message) e).text()).isEqualTo("sorry to hear that"))
                        .assertNext(e -> assertThat(e).isInstanceOf(StoredEvent.Handoff.class))
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.visitorRecords().page(workspace, "legacy.user@example.com", 10, null))
                        .assertNext(page -> assertThat(page.items()).singleElement().satisfies(v -> {
                            assertThat(v.id()).isEqualTo(new VisitorId("v_m"));
                            assertThat(v.externalId()).isEqualTo("crm-legacy");
                            assertThat(v.email()).isEqualTo("Legacy.User@Example.com");
                            assertThat(v.name()).isEqualTo("Lee Gacy");
                            assertThat(v.phone()).isEqualTo("+1 555 0199");
                            assertThat(v.ipAddress()).isEqualTo("198.51.100.7");
                        }))
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.visitorRecords().find(workspace, new VisitorId("v_anonymous")))
                        .assertNext(v -> assertThat(v.email()).isNull())
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.visitors().findOrCreateVerified(workspace,
                                new io.parley.core.model.VerifiedIdentity("crm-legacy", null, null, null)))
                        .assertNext(v -> assertThat(v.id()).isEqualTo(new VisitorId("v_m")))
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.openAiUpstreams().of(new io.parley.core.model.BotId("b_m")))
                        .assertNext(up -> assertThat(up.apiKey()).isEqualTo("sk-legacy-key"))
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.identityVerification().activeSecrets(new io.parley.core.model.BotId("b_m")))
                        .assertNext(s -> assertThat(HexFormat.of().formatHex(s.secret())).isEqualTo(SECRET_HEX))
                        .expectComplete().verify(TIMEOUT);
                for (Identity identity : List.of(new Identity(Identity.MAGIC_LINK_ISSUER, "owner@example.com"),
                        new Identity("https://accounts.google.com", "1234567890"))) {
                    StepVerifier.create(upgraded.operators().findByIdentity(identity))
                            .assertNext(o -> assertThat(o.email()).isEqualTo("owner@example.com"))
                            .expectComplete().verify(TIMEOUT);
                }
                StepVerifier.create(upgraded.invites().pending(workspace, Instant.now()))
                        .assertNext(invite -> assertThat(invite.email()).isEqualTo("invitee@example.com"))
                        .expectComplete().verify(TIMEOUT);
                StepVerifier.create(upgraded.magicLinks().redeem(HexFormat.of().parseHex(LINK_HASH_HEX), Instant.now()))
                        .expectNext("owner@example.com")
                        .expectComplete().verify(TIMEOUT);
            } finally {
                pool.dispose();
            }
        } finally {
            execute("public", "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
