package io.parley.gateway.api.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Role;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** A workspace's audit log over real HTTPS: its owners see its events only, newest first, page by page. */
class AuditLogApiTest extends GatewayIntegrationTest {

    @Autowired
    private ApplicationContext context;
    private ApiClient api;
    private ApiClient.Session owner;

    @BeforeEach
    void owner() {
        api = new ApiClient(https(), context);
        owner = api.newOwner("auditor");
    }

    private static String events(ApiClient.Session session) {
        return "/api/v1/workspaces/" + session.workspace() + "/audit-events";
    }

    private String createKey(ApiClient.Session session) {
        ApiClient.Reply created = api.post(session.bearer(), "/api/v1/workspaces/" + session.workspace() + "/api-keys",
                "{\"name\":\"audited\",\"scopes\":[\"bots:read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private JsonNode items(String path) {
        ApiClient.Reply reply = api.get(owner.bearer(), path);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("items");
    }

    @Test
    void anOwnerSeesTheEventsOfItsOwnWorkspaceOnly() {
        String ours = createKey(owner);
        ApiClient.Session stranger = api.newOwner("stranger");
        String theirs = createKey(stranger);

        ApiClient.Reply reply = api.get(owner.bearer(), events(owner));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        assertThat(reply.body()).contains(ours).doesNotContain(theirs);
        JsonNode items = reply.json().get("items");
        assertThat(items.size()).isEqualTo(1);
        JsonNode created = items.get(0);
        assertThat(created.get("kind").asString()).isEqualTo("api.key.created");
        assertThat(created.get("operatorId").asString()).isEqualTo(owner.operatorId());
        assertThat(created.get("details").get("apiKey").asString()).isEqualTo(ours);
        assertThat(created.get("details").get("workspace").asString()).isEqualTo(owner.workspace());
        assertThat(created.get("id").asLong()).isPositive();
        assertThat(created.get("at").asString()).endsWith("Z");
        assertThat(created.has("clientAddress")).isTrue();
    }

    @Test
    void pagesWalkEveryEventOnceNewestFirst() {
        List<String> keys = List.of(createKey(owner), createKey(owner), createKey(owner));
        List<String> seen = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiClient.Reply reply = api.get(owner.bearer(), events(owner) + "?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            reply.json().get("items").forEach(item -> {
                seen.add(item.get("details").get("apiKey").asString());
                ids.add(item.get("id").asLong());
            });
            JsonNode next = reply.json().get("nextCursor");
            cursor = next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null && pages < 5);

        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactly(keys.get(2), keys.get(1), keys.get(0));
        assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void filtersNarrowByKindOperatorAndTime() {
        String key = createKey(owner);
        assertThat(api.delete(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/api-keys/" + key).status())
                .isEqualTo(204);
        ApiClient.Session manager = api.member(owner.workspace(), Role.MANAGER);
        createKey(manager);

        JsonNode revoked = items(events(owner) + "?kind=api.key.revoked");
        assertThat(revoked.size()).isEqualTo(1);
        assertThat(revoked.get(0).get("details").get("apiKey").asString()).isEqualTo(key);
        assertThat(items(events(owner) + "?kind=api.key.created").size()).isEqualTo(2);
        JsonNode byManager = items(events(owner) + "?operatorId=" + manager.operatorId());
        assertThat(byManager.size()).isEqualTo(1);
        assertThat(byManager.get(0).get("details").get("role").asString()).isEqualTo("manager");
        assertThat(items(events(owner) + "?operatorId=" + owner.operatorId()).size()).isEqualTo(2);
        Instant later = Instant.now().plusSeconds(3600);
        assertThat(items(events(owner) + "?from=" + later).size()).isZero();
        assertThat(items(events(owner) + "?to=" + later).size()).isEqualTo(3);
    }

    @Test
    void onlyOwnersReadTheAuditLog() {
        for (Role role : List.of(Role.MANAGER, Role.AGENT, Role.VIEWER)) {
            ApiClient.Reply reply = api.get(api.member(owner.workspace(), role).bearer(), events(owner));
            assertThat(reply.status()).as(role + ": " + reply.body()).isEqualTo(403);
            assertThat(reply.json().get("permission").asString()).isEqualTo("audit.read");
        }
        ApiClient.Reply created = api.post(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/api-keys",
                "{\"name\":\"all\",\"scopes\":[\"visitors:read\",\"personal-data:read\",\"conversations:read\"]}");
        assertThat(api.get(created.json().get("key").asString(), events(owner)).status()).isEqualTo(403);
        ApiClient.Session stranger = api.newOwner("stranger");
        assertThat(api.get(stranger.bearer(), events(owner)).status()).isEqualTo(404);
    }

    @Test
    void badFiltersAreRefusedNamingTheParameter() {
        ApiClient.Reply kind = api.get(owner.bearer(), events(owner) + "?kind=login");
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.firstErrorField()).isEqualTo("kind");
        assertThat(kind.json().get("errors").get(0).get("message").asString()).contains("login.succeeded")
                .contains("visitor.exported").contains("visitor.deleted");

        String numericIdless = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("1764000000000000:abc".getBytes(StandardCharsets.UTF_8));
        for (String[] bad : List.of(new String[] {"operatorId=v_123", "operatorId"},
                new String[] {"from=2026-13-01T00:00:00Z", "from"}, new String[] {"to=now", "to"},
                new String[] {"cursor=" + numericIdless, "cursor"}, new String[] {"cursor=***", "cursor"},
                new String[] {"limit=101", "limit"})) {
            ApiClient.Reply reply = api.get(owner.bearer(), events(owner) + "?" + bad[0]);
            assertThat(reply.status()).as(bad[0] + ": " + reply.body()).isEqualTo(400);
            assertThat(reply.firstErrorField()).as(bad[0]).isEqualTo(bad[1]);
        }
    }
}
