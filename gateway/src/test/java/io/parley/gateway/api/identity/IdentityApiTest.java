package io.parley.gateway.api.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.Role;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** A bot's identity settings and secrets over real HTTPS. */
class IdentityApiTest extends GatewayIntegrationTest {

    @Autowired
    private ApplicationContext applicationContext;
    private ApiClient api;
    private ApiClient.Session owner;
    private String bot;

    @BeforeEach
    void ownerWithABot() {
        api = new ApiClient(https(), applicationContext);
        owner = api.newOwner("identity-owner");
        bot = botIn(owner.workspace());
    }

    static String botIn(String workspace) {
        String bot = "b_i" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        TestBots.execute("INSERT INTO bots (id, workspace_id, name, greeting, responder) VALUES ('" + bot + "', '"
                + workspace + "', 'Identity Bot', 'Hi', 'synthetic')");
        return bot;
    }

    private String identity() {
        return identity(owner.workspace(), bot);
    }

    private static String identity(String workspace, String bot) {
        return "/api/v1/workspaces/" + workspace + "/bots/" + bot + "/identity";
    }

    @Test
    void aNewBotAcceptsEveryVisitorAndHasNoSecret() {
        ApiClient.Reply reply = api.get(owner.bearer(), identity());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("verifiedVisitorsOnly").asBoolean()).isFalse();
        assertThat(reply.json().get("secrets").size()).isZero();
    }

    @Test
    void aSecretIsShownOnceAndNeverListed() {
        ApiClient.Reply created = api.post(owner.bearer(), identity() + "/secrets", null);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).contains("no-store");
        String id = created.json().get("id").asString();
        assertThat(id).startsWith("is_");
        assertThat(Base64.getUrlDecoder().decode(created.json().get("secret").asString())).hasSize(32);
        ApiClient.Reply listed = api.get(owner.bearer(), identity());
        assertThat(listed.json().get("secrets").get(0).get("id").asString()).isEqualTo(id);
        assertThat(listed.json().get("secrets").get(0).has("createdAt")).isTrue();
        assertThat(listed.body()).doesNotContain(created.json().get("secret").asString()).doesNotContain("\"secret\"");
    }

    @Test
    void aThirdActiveSecretIsRefusedUntilOneIsRevoked() {
        String first = api.post(owner.bearer(), identity() + "/secrets", null).json().get("id").asString();
        assertThat(api.post(owner.bearer(), identity() + "/secrets", null).status()).isEqualTo(201);

        ApiClient.Reply third = api.post(owner.bearer(), identity() + "/secrets", null);
        assertThat(third.status()).isEqualTo(409);
        assertThat(third.header("Content-Type")).startsWith("application/problem+json");
        assertThat(third.json().get("detail").asString()).contains("revoke one");

        assertThat(api.delete(owner.bearer(), identity() + "/secrets/" + first).status()).isEqualTo(204);
        assertThat(api.delete(owner.bearer(), identity() + "/secrets/" + first).status()).isEqualTo(404);
        assertThat(api.post(owner.bearer(), identity() + "/secrets", null).status()).isEqualTo(201);
        assertThat(api.get(owner.bearer(), identity()).json().get("secrets").size()).isEqualTo(2);
    }

    @Test
    void verifiedVisitorsOnlyIsSwitchedAndAudited() {
        ApiClient.Reply on = api.put(owner.bearer(), identity(), "{\"verifiedVisitorsOnly\":true}");

        assertThat(on.status()).isEqualTo(200);
        assertThat(on.json().get("verifiedVisitorsOnly").asBoolean()).isTrue();
        assertThat(api.get(owner.bearer(), identity()).json().get("verifiedVisitorsOnly").asBoolean()).isTrue();
        String secret = api.post(owner.bearer(), identity() + "/secrets", null).json().get("id").asString();
        api.delete(owner.bearer(), identity() + "/secrets/" + secret);
        assertThat(auditedDetails(owner.operatorId())).containsExactly(
                AuditEvent.Kind.BOT_UPDATED.wire() + " " + bot + " verifiedVisitorsOnly",
                AuditEvent.Kind.IDENTITY_SECRET_CREATED.wire() + " " + bot + " " + secret,
                AuditEvent.Kind.IDENTITY_SECRET_REVOKED.wire() + " " + bot + " " + secret);
    }

    @Test
    void aMissingOrWrongSettingIsAFieldError() {
        ApiClient.Reply missing = api.put(owner.bearer(), identity(), "{}");
        ApiClient.Reply wrongType = api.put(owner.bearer(), identity(), "{\"verifiedVisitorsOnly\":\"yes\"}");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.firstErrorField()).isEqualTo("verifiedVisitorsOnly");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.firstErrorField()).isEqualTo("verifiedVisitorsOnly");
    }

    @Test
    void anotherWorkspacesBotOrAnUnknownOneIsNotFound() {
        ApiClient.Session stranger = api.newOwner("identity-stranger");
        String theirs = identity(stranger.workspace(), bot);

        assertThat(api.get(stranger.bearer(), theirs).status()).isEqualTo(404);
        assertThat(api.put(stranger.bearer(), theirs, "{\"verifiedVisitorsOnly\":true}").status()).isEqualTo(404);
        assertThat(api.post(stranger.bearer(), theirs + "/secrets", null).status()).isEqualTo(404);
        assertThat(api.get(stranger.bearer(), identity()).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), identity(owner.workspace(), "b_unknown")).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), identity(owner.workspace(), "not-a-bot")).status()).isEqualTo(404);
        assertThat(api.delete(owner.bearer(), identity() + "/secrets/is_unknown").status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), identity()).json().get("verifiedVisitorsOnly").asBoolean()).isFalse();
    }

    @Test
    void anArchivedBotHasNoIdentitySettingsAndMintsNoSecret() {
        assertThat(api.delete(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/bots/" + bot).status())
                .isEqualTo(204);

        assertThat(api.get(owner.bearer(), identity()).status()).isEqualTo(404);
        assertThat(api.put(owner.bearer(), identity(), "{\"verifiedVisitorsOnly\":true}").status()).isEqualTo(404);
        assertThat(api.post(owner.bearer(), identity() + "/secrets", null).status()).isEqualTo(404);
    }

    @Test
    void aViewerReadsButChangesNothing() {
        ApiClient.Session viewer = api.member(owner.workspace(), Role.VIEWER);
        String secret = api.post(owner.bearer(), identity() + "/secrets", null).json().get("id").asString();

        assertThat(api.get(viewer.bearer(), identity()).status()).isEqualTo(200);
        assertThat(api.put(viewer.bearer(), identity(), "{\"verifiedVisitorsOnly\":true}").status()).isEqualTo(403);
        assertThat(api.post(viewer.bearer(), identity() + "/secrets", null).status()).isEqualTo(403);
        assertThat(api.delete(viewer.bearer(), identity() + "/secrets/" + secret).status()).isEqualTo(403);
        assertThat(api.get(owner.bearer(), identity()).json().get("secrets").size()).isEqualTo(1);
    }

    private static List<String> auditedDetails(String operatorId) {
        List<String> events = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement("""
                     SELECT kind, details::jsonb->>'botId',
                            coalesce(details::jsonb->>'secretId', details::jsonb->>'fields')
                       FROM audit_events WHERE operator_id = ? AND details::jsonb->>'botId' IS NOT NULL ORDER BY id""")) {
            query.setString(1, operatorId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return events;
    }
}
