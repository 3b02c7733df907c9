package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Workspaces;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Server API keys over real HTTPS: managed by owners and managers, shown once, accepted as Bearer sk_…. */
class ApiKeyTest extends GatewayIntegrationTest {
    private static final String WHOAMI = "/api/v1/api-key/whoami";

    @Autowired
    private Workspaces workspaces;
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    /** A signed-up operator: its access token, id and own workspace. */
    private record Operator(String email, String access, String id, String workspace) {
    }

    private Operator signUp(String who) {
        String email = AuthClient.uniqueEmail(who);
        return login(email);
    }

    private Operator login(String email) {
        String access = client.signUp(email).get("accessToken").asString();
        JsonNode me = client.me(access).json();
        return new Operator(email, access, me.get("operatorId").asString(),
                me.get("memberships").get(0).get("workspaceId").asString());
    }

    private static String keys(String workspace) {
        return "/api/v1/workspaces/" + workspace + "/api-keys";
    }

    private AuthClient.Reply create(String bearer, String workspace, String json) {
        return client.post(keys(workspace), "application/json", json,
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer));
    }

    private JsonNode createKey(Operator operator, String workspace) {
        AuthClient.Reply reply = create(operator.access(), workspace,
                "{\"name\":\"CRM sync\",\"scopes\":[\"conversations:read\",\"knowledge:write\"],\"expiresInDays\":30}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private AuthClient.Reply list(String bearer, String workspace) {
        return client.get(keys(workspace), h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer));
    }

    private AuthClient.Reply revoke(String bearer, String workspace, String keyId) {
        return client.delete(keys(workspace) + "/" + keyId, h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer));
    }

    private AuthClient.Reply whoami(String key) {
        return client.get(WHOAMI, h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
    }

    @Test
    void aCreatedKeyIsShownOnceAndAuthenticatesAsItsWorkspaceWithItsScopes() {
        Operator owner = signUp("key-owner");
        JsonNode created = createKey(owner, owner.workspace());
        String key = created.get("key").asString();

        assertThat(key).matches("sk_[A-Za-z0-9_-]{43}");
        assertThat(created.get("id").asString()).startsWith("ak_");
        assertThat(created.get("prefix").asString()).isEqualTo(key.substring(3, 11));
        assertThat(created.get("expiresAt").isNull()).isFalse();

        AuthClient.Reply whoami = whoami(key);
        assertThat(whoami.status()).isEqualTo(200);
        assertThat(whoami.json().get("workspaceId").asString()).isEqualTo(owner.workspace());
        assertThat(whoami.json().get("scopes").toString()).isEqualTo("[\"conversations:read\",\"knowledge:write\"]");

        assertThat(whoami(owner.access()).status()).as("an operator's token on whoami").isEqualTo(403);
        assertThat(create(key, owner.workspace(), "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"]}").status())
                .as("a key cannot make keys").isEqualTo(403);
        assertThat(whoami("sk_" + "x".repeat(43)).status()).as("an unknown key").isEqualTo(401);
    }

    @Test
    void theListShowsPrefixesButNeverTheKeyAndTheRowHoldsOnlyItsPepperedHash() throws Exception {
        Operator owner = signUp("key-list");
        JsonNode created = createKey(owner, owner.workspace());
        String key = created.get("key").asString();
        String id = created.get("id").asString();

        AuthClient.Reply listed = list(owner.access(), owner.workspace());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().size()).isEqualTo(1);
        assertThat(listed.json().get(0).get("id").asString()).isEqualTo(id);
        assertThat(listed.json().get(0).get("prefix").asString()).isEqualTo(key.substring(3, 11));
        assertThat(listed.body()).doesNotContain(key.substring(3)).doesNotContainIgnoringCase("hash");

        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement(
                     "SELECT row_to_json(k)::text AS row, key_hash FROM api_keys k WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("row")).doesNotContain(key.substring(3));
                assertThat(rows.getBytes("key_hash")).isEqualTo(pepperedHash(key));
            }
        }
    }

    @Test
    void aRevokedKeyIsRefusedAndBothStepsAreAudited() throws Exception {
        Operator owner = signUp("key-revoke");
        JsonNode created = createKey(owner, owner.workspace());
        String key = created.get("key").asString();
        assertThat(whoami(key).status()).isEqualTo(200);

        assertThat(revoke(owner.access(), owner.workspace(), created.get("id").asString()).status()).isEqualTo(204);

        assertThat(whoami(key).status()).isEqualTo(401);
        assertThat(list(owner.access(), owner.workspace()).json().get(0).get("revokedAt").isNull()).isFalse();
        assertThat(auditedKinds(owner.id())).contains("api.key.created", "api.key.revoked");
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        Operator owner = signUp("key-expired");
        JsonNode created = createKey(owner, owner.workspace());
        String key = created.get("key").asString();
        assertThat(whoami(key).status()).isEqualTo(200);

        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement expire = db.prepareStatement(
                     "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            expire.setString(1, created.get("id").asString());
            assertThat(expire.executeUpdate()).isEqualTo(1);
        }

        assertThat(whoami(key).status()).isEqualTo(401);
    }

    @Test
    void viewersAndAgentsCannotManageKeysManagersCan() {
        Operator owner = signUp("key-team-owner");
        String keyId = createKey(owner, owner.workspace()).get("id").asString();
        for (Role role : new Role[] {Role.VIEWER, Role.AGENT}) {
            Operator member = joined(owner.workspace(), role);
            assertThat(create(member.access(), owner.workspace(), "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"]}")
                    .status()).as(role + " creates").isEqualTo(403);
            assertThat(list(member.access(), owner.workspace()).status()).as(role + " lists").isEqualTo(403);
            assertThat(revoke(member.access(), owner.workspace(), keyId).status()).as(role + " revokes").isEqualTo(403);
        }
        Operator manager = joined(owner.workspace(), Role.MANAGER);
        assertThat(createKey(manager, owner.workspace()).get("key").asString()).startsWith("sk_");
    }

    @Test
    void anotherWorkspacesIdsAreNotFound() {
        Operator ann = signUp("key-ann");
        Operator bob = signUp("key-bob");
        JsonNode bobs = createKey(bob, bob.workspace());
        String bobsKeyId = bobs.get("id").asString();

        assertThat(create(ann.access(), bob.workspace(), "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"]}").status())
                .isEqualTo(404);
        assertThat(list(ann.access(), bob.workspace()).status()).isEqualTo(404);
        assertThat(revoke(ann.access(), bob.workspace(), bobsKeyId).status()).isEqualTo(404);
        assertThat(revoke(ann.access(), ann.workspace(), bobsKeyId).status()).as("bob's key under ann's workspace")
                .isEqualTo(404);
        assertThat(list(ann.access(), "not-a-workspace").status()).isEqualTo(404);
        assertThat(whoami(bobs.get("key").asString()).status()).as("bob's key still works").isEqualTo(200);
    }

    @Test
    void badInputIsRefusedWithTheField() {
        Operator owner = signUp("key-input");
        AuthClient.Reply unknownScope = create(owner.access(), owner.workspace(),
                "{\"name\":\"n\",\"scopes\":[\"everything\"]}");
        assertThat(unknownScope.status()).isEqualTo(400);
        assertThat(unknownScope.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(unknownScope.json().get("errors").get(0).get("field").asString()).isEqualTo("scopes");
        assertThat(create(owner.access(), owner.workspace(), "{\"name\":\" \",\"scopes\":[\"knowledge:read\"]}")
                .json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(create(owner.access(), owner.workspace(),
                "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"],\"expiresInDays\":0}").status()).isEqualTo(400);
        AuthClient.Reply unknownField = create(owner.access(), owner.workspace(),
                "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"],\"admin\":true}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("errors").get(0).get("field").asString()).isEqualTo("admin");
        assertThat(create(owner.access(), owner.workspace(), "{\"name\":\"a\\u0000b\",\"scopes\":[\"bots:read\"]}")
                .json().get("errors").get(0).get("field").asString()).as("a NUL in the name").isEqualTo("name");
        assertThat(list(owner.access(), owner.workspace()).json()).as("nothing was created").isEmpty();
    }

    @Test
    void aRotatedKeyKeepsWorkingForTheOverlapOnlyAndItsSuccessorWorksAtOnce() {
        Operator owner = signUp("key-rotate");
        JsonNode original = createKey(owner, owner.workspace());
        String rotatePath = keys(owner.workspace()) + "/" + original.get("id").asString() + "/rotate";

        AuthClient.Reply withOverlap = client.post(rotatePath, "application/json", "{\"overlapMinutes\":60}",
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + owner.access()));
        assertThat(withOverlap.status()).as(withOverlap.body()).isEqualTo(201);
        String successor = withOverlap.json().get("key").get("key").asString();
        assertThat(whoami(successor).status()).isEqualTo(200);
        assertThat(whoami(original.get("key").asString()).status()).as("old key within the overlap").isEqualTo(200);
        assertThat(client.post(rotatePath, "application/json", "{}",
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + owner.access())).status())
                .as("a key is rotated once").isEqualTo(404);

        String successorId = withOverlap.json().get("key").get("id").asString();
        AuthClient.Reply noOverlap = client.post(keys(owner.workspace()) + "/" + successorId + "/rotate",
                "application/json", "{\"overlapMinutes\":0}",
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + owner.access()));
        assertThat(noOverlap.status()).isEqualTo(201);
        assertThat(whoami(successor).status()).as("rotated without overlap: refused at once").isEqualTo(401);
        assertThat(whoami(noOverlap.json().get("key").get("key").asString()).status()).isEqualTo(200);
        assertThat(list(owner.access(), owner.workspace()).json().get(0).get("rotatedTo").asString())
                .isEqualTo(successorId);
    }

    /** A fresh operator given {@code role} in {@code workspace}, logged in again (a role change ends sessions). */
    private Operator joined(String workspace, Role role) {
        Operator member = signUp("key-" + role.wire());
        workspaces.grant(new OperatorId(member.id()), new WorkspaceId(workspace), role).block(TIMEOUT);
        return login(member.email());
    }

    private static List<String> auditedKinds(String operatorId) throws Exception {
        List<String> kinds = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement("SELECT kind FROM audit_events WHERE operator_id = ? ORDER BY id")) {
            query.setString(1, operatorId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    kinds.add(rows.getString(1));
                }
            }
        }
        return kinds;
    }

    private static byte[] pepperedHash(String key) throws Exception {
        byte[] pepper = Base64.getDecoder().decode(Files.readString(
                Path.of(TestBackends.properties().get("parley.auth.api-key-pepper-file"))).strip());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
        return mac.doFinal(key.getBytes(StandardCharsets.US_ASCII));
    }
}
