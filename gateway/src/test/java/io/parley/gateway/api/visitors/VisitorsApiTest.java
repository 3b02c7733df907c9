package io.parley.gateway.api.visitors;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Role;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.AdminData.Person;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Visitors and conversations over real HTTPS and PostgreSQL: personal data masked per caller, GDPR export
 * and erasure audited, workspaces kept apart, pages and filters.
 */
class VisitorsApiTest extends GatewayIntegrationTest {

    @Autowired
    private ApplicationContext context;
    private ApiClient api;
    private ApiClient.Session owner;
    private String workspace;
    private String bot;
    private Person person;
    private String visitor;
    private String conversation;
    private String closedConversation;

    @BeforeEach
    void aVisitorWithPersonalDataAndTwoConversations() {
        api = new ApiClient(https(), context);
        owner = api.newOwner("gdpr");
        workspace = owner.workspace();
        bot = AdminData.bot(workspace);
        person = Person.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        visitor = AdminData.visitor(workspace, person, now.minusSeconds(600));
        closedConversation = AdminData.conversation(workspace, bot, visitor, "closed", false, now.minusSeconds(500));
        AdminData.message(closedConversation, "visitor", visitor, "Visitor", "an old question", null);
        conversation = AdminData.conversation(workspace, bot, visitor, "open", true, now.minusSeconds(100));
        AdminData.message(conversation, "visitor", visitor, person.name(), "where is my parcel", null);
        AdminData.message(conversation, "bot", bot, "Admin Test Bot", "it is on its way", "stop");
        AdminData.handoff(conversation, "requested", null);
        AdminData.handoff(conversation, "assigned", "Agent Smith");
    }

    private String path(String rest) {
        return "/api/v1/workspaces/" + workspace + rest;
    }

    private List<String> readAll(String bearer) {
        List<String> bodies = new ArrayList<>();
        for (String rest : List.of("/visitors", "/visitors/" + visitor, "/conversations",
                "/conversations/" + conversation)) {
            ApiClient.Reply reply = api.get(bearer, path(rest));
            assertThat(reply.status()).as(rest + ": " + reply.body()).isEqualTo(200);
            assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
            bodies.add(reply.body());
        }
        return bodies;
    }

    private void assertMasked(String body) {
        assertThat(body).doesNotContain(person.email()).doesNotContain(person.email().toLowerCase())
                .doesNotContain("Example-Mail").doesNotContain(person.name()).doesNotContain("Quartermaine")
                .doesNotContain(person.phone()).doesNotContain(person.ip()).doesNotContain(person.externalId());
    }

    private String apiKey(String... scopes) {
        ApiClient.Reply created = api.post(owner.bearer(), path("/api-keys"), "{\"name\":\"reader\",\"scopes\":"
                + ApiClient.JSON.writeValueAsString(List.of(scopes)) + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("key").asString();
    }

    private List<Map<String, Object>> auditRows(String kind) {
        return AdminData.rows("SELECT details, operator_id FROM audit_events WHERE workspace_id = ? AND kind = ? "
                + "ORDER BY id", workspace, kind);
    }

    @Test
    void aViewerSeesTheShapeOfPersonalDataButNeverItsValue() {
        ApiClient.Session viewer = api.member(workspace, Role.VIEWER);

        List<String> bodies = readAll(viewer.bearer());

        bodies.forEach(this::assertMasked);
        assertThat(bodies.get(1)).contains("R***@E***.test").contains("R*** Q***").contains("198.51.x.x")
                .contains("\"verified\":true");
        assertThat(bodies.get(3)).contains("R*** Q***").contains("where is my parcel");
    }

    @Test
    void agentsAndOwnersSeePersonalData() {
        ApiClient.Session agent = api.member(workspace, Role.AGENT);
        for (String bearer : List.of(agent.bearer(), owner.bearer())) {
            List<String> bodies = readAll(bearer);
            assertThat(bodies.get(0)).contains(person.email()).contains(person.name()).contains(person.phone())
                    .contains(person.ip()).contains(person.externalId());
            assertThat(bodies.get(1)).contains(person.email()).contains(person.name()).contains(person.phone())
                    .contains(person.ip()).contains(person.externalId());
            assertThat(bodies.get(2)).contains(person.email()).contains(person.name());
            assertThat(bodies.get(3)).contains(person.email()).contains(person.name());
        }
    }

    @Test
    void anApiKeySeesPersonalDataOnlyWithItsScope() {
        String masked = apiKey("visitors:read", "conversations:read");
        String unmasked = apiKey("visitors:read", "conversations:read", "personal-data:read");

        readAll(masked).forEach(this::assertMasked);
        assertThat(api.get(unmasked, path("/visitors/" + visitor)).body()).contains(person.email())
                .contains(person.name()).contains(person.phone()).contains(person.ip());
        assertThat(api.get(masked, path("/visitors/" + visitor + "/export")).status()).isEqualTo(403);
    }

    @Test
    void aConversationReadsAsTheProtocolsStoredEvents() {
        JsonNode read = api.get(owner.bearer(), path("/conversations/" + conversation)).json();

        assertThat(read.get("id").asString()).isEqualTo(conversation);
        assertThat(read.get("botId").asString()).isEqualTo(bot);
        assertThat(read.get("visitorId").asString()).isEqualTo(visitor);
        assertThat(read.get("state").asString()).isEqualTo("open");
        assertThat(read.get("humanHandling").asBoolean()).isTrue();
        assertThat(read.get("lastSeq").asLong()).isEqualTo(4);
        assertThat(read.get("visitor").get("email").asString()).isEqualTo(person.email());
        JsonNode events = read.get("events");
        assertThat(events.size()).isEqualTo(4);
        assertThat(events.get(0).get("type").asString()).isEqualTo("message");
        assertThat(events.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(events.get(0).get("author").get("role").asString()).isEqualTo("visitor");
        assertThat(events.get(0).get("author").get("id").asString()).isEqualTo(visitor);
        assertThat(events.get(0).get("text").asString()).isEqualTo("where is my parcel");
        assertThat(events.get(0).get("messageId").asString()).startsWith("m_");
        assertThat(events.get(0).get("createdAt").asString()).endsWith("Z");
        assertThat(events.get(1).get("finish").asString()).isEqualTo("stop");
        assertThat(events.get(2).get("type").asString()).isEqualTo("handoff");
        assertThat(events.get(2).get("state").asString()).isEqualTo("requested");
        assertThat(events.get(3).get("agent").get("name").asString()).isEqualTo("Agent Smith");
        assertThat(read.get("nextAfterSeq").isNull()).isTrue();

        JsonNode first = api.get(owner.bearer(), path("/conversations/" + conversation + "?limit=3")).json();
        assertThat(first.get("events").size()).isEqualTo(3);
        assertThat(first.get("nextAfterSeq").asLong()).isEqualTo(3);
        JsonNode rest = api.get(owner.bearer(), path("/conversations/" + conversation + "?limit=3&afterSeq=3")).json();
        assertThat(rest.get("events").size()).isEqualTo(1);
        assertThat(rest.get("events").get(0).get("seq").asLong()).isEqualTo(4);
        assertThat(rest.get("nextAfterSeq").isNull()).isTrue();
    }

    @Test
    void anOwnersExportHoldsEverythingAndIsAuditedAsShown() {
        ApiClient.Reply export = api.get(owner.bearer(), path("/visitors/" + visitor + "/export"));

        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(export.header("Content-Disposition")).startsWith("attachment")
                .contains("visitor-" + visitor + ".json");
        assertThat(export.body()).contains(person.email()).contains(person.name()).contains(person.phone())
                .contains(person.ip()).contains(person.externalId()).contains("where is my parcel")
                .contains("an old question").contains("Agent Smith");
        JsonNode body = export.json();
        assertThat(body.get("personalData").asString()).isEqualTo("shown");
        assertThat(body.get("visitor").get("id").asString()).isEqualTo(visitor);
        assertThat(body.get("conversations").size()).isEqualTo(2);
        assertThat(body.get("conversations").get(0).get("id").asString()).isEqualTo(closedConversation);
        assertThat(body.get("conversations").get(1).get("events").size()).isEqualTo(4);

        List<Map<String, Object>> audited = auditRows("visitor.exported");
        assertThat(audited).hasSize(1);
        JsonNode details = ApiClient.JSON.readTree(String.valueOf(audited.get(0).get("details")));
        assertThat(details.get("visitorId").asString()).isEqualTo(visitor);
        assertThat(details.get("personalData").asString()).isEqualTo("shown");
        assertThat(audited.get(0).get("operator_id")).isEqualTo(owner.operatorId());
        assertMasked(String.valueOf(audited.get(0).get("details")));
    }

    @Test
    void anExportWhoseAuditRecordCannotBeWrittenSendsNothing() {
        // the audit trail refuses this visitor's export, as a full disk or a lost database would
        String trigger = "refuse_export_" + visitor.substring(2).toLowerCase().replaceAll("[^a-z0-9]", "");
        AdminData.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.details LIKE '%" + visitor + "%' THEN RAISE EXCEPTION 'audit unavailable'; END IF; "
                + "RETURN NEW; END $$");
        AdminData.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION "
                + trigger + "()");
        try {
            ApiClient.Reply export = api.get(owner.bearer(), path("/visitors/" + visitor + "/export"));

            assertThat(export.status()).isEqualTo(500);
            assertThat(export.header("Content-Disposition")).isNull();
            assertMasked(export.body());
            assertThat(export.body()).doesNotContain("where is my parcel");
        } finally {
            AdminData.execute("DROP TRIGGER " + trigger + " ON audit_events");
            AdminData.execute("DROP FUNCTION " + trigger + "()");
        }
        assertThat(auditRows("visitor.exported")).isEmpty();
    }

    @Test
    void anExportByAKeyWithoutPersonalDataIsMaskedAndAuditedAsMasked() {
        ApiClient.Reply export = api.get(apiKey("visitors:export"), path("/visitors/" + visitor + "/export"));

        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertMasked(export.body());
        assertThat(export.body()).contains("where is my parcel").contains("R*** Q***");
        assertThat(export.json().get("personalData").asString()).isEqualTo("masked");
        List<Map<String, Object>> audited = auditRows("visitor.exported");
        assertThat(audited).hasSize(1);
        assertThat(String.valueOf(audited.get(0).get("details"))).contains("\"personalData\":\"masked\"");
    }

    @Test
    void eraseRemovesTheVisitorItsConversationsAndTheirEventsAndIsAudited() {
        String otherVisitor = AdminData.visitor(workspace, Person.unique(), Instant.now());
        String otherConversation = AdminData.conversation(workspace, bot, otherVisitor, "open", false, Instant.now());
        AdminData.message(otherConversation, "visitor", otherVisitor, "Visitor", "stays", null);

        ApiClient.Reply erased = api.delete(owner.bearer(), path("/visitors/" + visitor));

        assertThat(erased.status()).as(erased.body()).isEqualTo(204);
        assertThat(AdminData.count("SELECT count(*) FROM visitors WHERE id = ?", visitor)).isZero();
        assertThat(AdminData.count("SELECT count(*) FROM conversations WHERE visitor_id = ?", visitor)).isZero();
        assertThat(AdminData.count("SELECT count(*) FROM events WHERE conversation_id IN (?, ?)", conversation,
                closedConversation)).isZero();
        assertThat(AdminData.count("SELECT count(*) FROM events WHERE conversation_id = ?", otherConversation))
                .isEqualTo(1);
        List<Map<String, Object>> audited = auditRows("visitor.deleted");
        assertThat(audited).hasSize(1);
        JsonNode details = ApiClient.JSON.readTree(String.valueOf(audited.get(0).get("details")));
        assertThat(details.get("visitorId").asString()).isEqualTo(visitor);
        assertThat(details.get("conversations").asString()).isEqualTo("2");
        assertThat(details.get("events").asString()).isEqualTo("5");

        assertThat(api.get(owner.bearer(), path("/visitors/" + visitor)).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), path("/conversations/" + conversation)).status()).isEqualTo(404);
        assertThat(api.delete(owner.bearer(), path("/visitors/" + visitor)).status()).isEqualTo(404);
        assertThat(auditRows("visitor.deleted")).hasSize(1);
    }

    @Test
    void onlyOwnersManagersAndScopedKeysExportOrErase() {
        ApiClient.Session agent = api.member(workspace, Role.AGENT);
        assertThat(api.get(agent.bearer(), path("/visitors/" + visitor + "/export")).status()).isEqualTo(403);
        assertThat(api.delete(agent.bearer(), path("/visitors/" + visitor)).status()).isEqualTo(403);
        assertThat(api.delete(apiKey("visitors:read"), path("/visitors/" + visitor)).status()).isEqualTo(403);
        ApiClient.Session manager = api.member(workspace, Role.MANAGER);

        assertThat(api.delete(apiKey("visitors:delete"), path("/visitors/" + visitor)).status()).isEqualTo(204);
        assertThat(api.get(manager.bearer(), path("/visitors/" + visitor + "/export")).status()).isEqualTo(404);
    }

    @Test
    void anotherWorkspacesVisitorsAndConversationsAreNotFound() {
        ApiClient.Session stranger = api.newOwner("stranger");
        String theirs = "/api/v1/workspaces/" + stranger.workspace();

        for (String rest : List.of("/visitors/" + visitor, "/visitors/" + visitor + "/export",
                "/conversations/" + conversation)) {
            ApiClient.Reply reply = api.get(stranger.bearer(), theirs + rest);
            assertThat(reply.status()).as(rest).isEqualTo(404);
            assertMasked(reply.body());
        }
        assertThat(api.delete(stranger.bearer(), theirs + "/visitors/" + visitor).status()).isEqualTo(404);
        assertThat(api.get(stranger.bearer(), path("/visitors/" + visitor)).status()).isEqualTo(404);
        assertThat(api.get(stranger.bearer(), theirs + "/visitors").json().get("items").size()).isZero();
        assertThat(api.get(stranger.bearer(), theirs + "/conversations").json().get("items").size()).isZero();
        assertThat(AdminData.count("SELECT count(*) FROM visitors WHERE id = ?", visitor)).isEqualTo(1);
        assertThat(api.get(owner.bearer(), path("/visitors/v_unknown")).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), path("/visitors/not-an-id")).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), path("/conversations/not-an-id")).status()).isEqualTo(404);
    }

    @Test
    void pagesWalkEveryVisitorAndConversationExactlyOnceNewestFirst() {
        ApiClient.Session fresh = api.newOwner("pages");
        String theirs = "/api/v1/workspaces/" + fresh.workspace();
        String theirBot = AdminData.bot(fresh.workspace());
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(3600);
        List<String> visitors = new ArrayList<>();
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // two visitors share an instant: the id breaks the tie
            Instant at = start.plusSeconds(i == 4 ? 3 : i);
            visitors.add(AdminData.visitor(fresh.workspace(), null, at));
            conversations.add(AdminData.conversation(fresh.workspace(), theirBot, visitors.get(i), "open", false, at));
        }

        List<String> seenVisitors = walk(fresh.bearer(), theirs + "/visitors");
        List<String> seenConversations = walk(fresh.bearer(), theirs + "/conversations");

        assertThat(seenVisitors).containsExactlyInAnyOrderElementsOf(visitors).doesNotHaveDuplicates();
        assertThat(seenConversations).containsExactlyInAnyOrderElementsOf(conversations).doesNotHaveDuplicates();
        assertThat(seenVisitors.get(0)).isEqualTo(visitors.get(6));
        assertThat(seenConversations.get(0)).isEqualTo(conversations.get(6));
        assertThat(seenVisitors.get(6)).isEqualTo(visitors.get(0));
    }

    private List<String> walk(String bearer, String list) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiClient.Reply reply = api.get(bearer, list + "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode page = reply.json();
            page.get("items").forEach(item -> seen.add(item.get("id").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        return seen;
    }

    @Test
    void conversationFiltersNarrowTheList() {
        String otherBot = AdminData.bot(workspace);
        String otherVisitor = AdminData.visitor(workspace, null, Instant.now());
        String elsewhere = AdminData.conversation(workspace, otherBot, otherVisitor, "open", false, Instant.now());

        assertThat(ids("/conversations?visitorId=" + visitor)).containsExactly(conversation, closedConversation);
        assertThat(ids("/conversations?botId=" + otherBot)).containsExactly(elsewhere);
        assertThat(ids("/conversations?visitorId=" + visitor + "&state=closed")).containsExactly(closedConversation);
        assertThat(ids("/conversations?visitorId=" + visitor + "&humanHandling=true")).containsExactly(conversation);
        assertThat(ids("/conversations?botId=" + bot + "&humanHandling=false")).containsExactly(closedConversation);
        Instant between = Instant.now().minusSeconds(300);
        assertThat(ids("/conversations?botId=" + bot + "&from=" + between)).containsExactly(conversation);
        assertThat(ids("/conversations?botId=" + bot + "&to=" + between)).containsExactly(closedConversation);
        assertThat(ids("/conversations?botId=" + bot + "&from=" + between.minusSeconds(3600).toString()
                .replace("Z", "%2B00:00"))).containsExactly(conversation, closedConversation);
    }

    @Test
    void visitorsAreFoundByEmailWhateverItsCase() {
        AdminData.visitor(workspace, Person.unique(), Instant.now());

        assertThat(ids("/visitors?email=" + person.email().toUpperCase())).containsExactly(visitor);
        assertThat(ids("/visitors?email=" + person.email().toLowerCase())).containsExactly(visitor);
        assertThat(ids("/visitors?email=nobody@example.com")).isEmpty();
    }

    @Test
    void aCallerWhoSeesPersonalDataMaskedCannotSearchByEmail() {
        ApiClient.Session viewer = api.member(workspace, Role.VIEWER);
        ApiClient.Reply probe = api.get(viewer.bearer(), path("/visitors?email=" + person.email()));
        assertThat(probe.status()).as("a viewer would learn the address by a match").isEqualTo(403);
        assertThat(probe.body()).doesNotContain(visitor).doesNotContain(person.email());
    }

    private List<String> ids(String rest) {
        ApiClient.Reply reply = api.get(owner.bearer(), path(rest));
        assertThat(reply.status()).as(rest + ": " + reply.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    @Test
    void badFiltersAndCursorsAreRefusedNamingTheParameter() {
        Map<String, String> fieldOf = new java.util.LinkedHashMap<>();
        fieldOf.put("/conversations?state=maybe", "state");
        fieldOf.put("/conversations?humanHandling=yes", "humanHandling");
        fieldOf.put("/conversations?from=yesterday", "from");
        fieldOf.put("/conversations?to=2026-11-28T10:00:00", "to");
        fieldOf.put("/conversations?from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z", "to");
        fieldOf.put("/conversations?botId=bot1", "botId");
        fieldOf.put("/conversations?visitorId=c_123", "visitorId");
        fieldOf.put("/conversations?cursor=%25%25%25", "cursor");
        fieldOf.put("/conversations?limit=0", "limit");
        fieldOf.put("/conversations/" + conversation + "?afterSeq=-1", "afterSeq");
        fieldOf.put("/conversations/" + conversation + "?limit=501", "limit");
        fieldOf.put("/visitors?cursor=bm90LWEtY3Vyc29y", "cursor");
        fieldOf.put("/visitors?limit=many", "limit");
        fieldOf.put("/conversations?from=%2B300000-01-01T00:00:00Z", "from");
        fieldOf.put("/conversations?to=-5000-01-01T00:00:00Z", "to");
        fieldOf.put("/visitors?cursor=LTEwMDAwMDAwMDAwMDAwMDAwMDA6eA", "cursor");
        for (Map.Entry<String, String> bad : fieldOf.entrySet()) {
            ApiClient.Reply reply = api.get(owner.bearer(), path(bad.getKey()));
            assertThat(reply.status()).as(bad.getKey() + ": " + reply.body()).isEqualTo(400);
            assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
            assertThat(reply.firstErrorField()).as(bad.getKey()).isEqualTo(bad.getValue());
        }
    }
}
