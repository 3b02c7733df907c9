package io.parley.gateway.api.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.Role;
import io.parley.core.port.KnowledgeIndex;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.ApiClient.Reply;
import io.parley.gateway.testing.ApiClient.Session;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.UpgradeRequests;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** Bots, widget keys and knowledge entries over real HTTPS and PostgreSQL, down to the visitor's handshake. */
class BotAdministrationTest extends GatewayIntegrationTest {
    private static final String SECRET = "sk-upstream-SECRET-4711";

    @Autowired
    private ApplicationContext context;
    private ApiClient api;
    private Session owner;

    @BeforeEach
    void owner() {
        api = new ApiClient(https(), context);
        owner = api.newOwner("bots");
    }

    private static String json(Object value) {
        return ApiClient.JSON.writeValueAsString(value);
    }

    private static String bots(Session session) {
        return "/api/v1/workspaces/" + session.workspace() + "/bots";
    }

    private static String keys(Session session) {
        return "/api/v1/workspaces/" + session.workspace() + "/widget-keys";
    }

    private static Map<String, Object> minimalBot(String name) {
        Map<String, Object> bot = new LinkedHashMap<>();
        bot.put("name", name);
        bot.put("greeting", "Hello!");
        return bot;
    }

    private JsonNode createBot(Session session, Map<String, Object> body) {
        Reply reply = api.post(session.bearer(), bots(session), json(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private String createKey(Session session, String botId) {
        Reply reply = api.post(session.bearer(), keys(session), json(Map.of("botId", botId)));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("key").asString();
    }

    @Test
    void aBotIsCreatedReadListedPatchedAndArchived() {
        Map<String, Object> body = minimalBot("Support");
        body.put("responder", "synthetic");
        body.put("synthetic", Map.of("tokens", 30, "tokensPerSecond", 15));
        body.put("rateLimits", Map.of("messagesPerVisitor", Map.of("permits", 5, "windowSeconds", 10),
                "connectionsPerKeyAndIp", Map.of("permits", 0, "windowSeconds", 60)));
        body.put("allowedOrigins", List.of("https://Shop.Example:443", "http://localhost:3000", "https://b.example:8443"));
        body.put("allowNativeClients", true);

        JsonNode created = createBot(owner, body);
        String id = created.get("id").asString();
        assertThat(id).startsWith("b_");
        assertThat(created.get("name").asString()).isEqualTo("Support");
        assertThat(created.get("responder").asString()).isEqualTo("synthetic");
        assertThat(created.get("synthetic").get("tokens").asInt()).isEqualTo(30);
        assertThat(created.get("rateLimits").get("messagesPerVisitor").get("permits").asInt()).isEqualTo(5);
        assertThat(created.get("rateLimits").get("messagesPerVisitor").get("windowSeconds").asInt()).isEqualTo(10);
        assertThat(created.get("rateLimits").get("messagesPerKeyAndIp").get("permits").asInt()).isEqualTo(600);
        assertThat(created.get("rateLimits").get("connectionsPerKeyAndIp").get("permits").asInt()).isZero();
        assertThat(created.get("allowedOrigins").valueStream().map(JsonNode::asString).toList())
                .containsExactly("https://shop.example", "http://localhost:3000", "https://b.example:8443");
        assertThat(created.get("allowNativeClients").asBoolean()).isTrue();
        assertThat(created.get("openai").get("apiKeySet").asBoolean()).isFalse();

        Reply read = api.get(owner.bearer(), bots(owner) + "/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(created);
        Reply list = api.get(owner.bearer(), bots(owner));
        assertThat(list.json().get("items")).containsExactly(created);

        Reply patched = api.patch(owner.bearer(), bots(owner) + "/" + id,
                json(Map.of("name", "Renamed", "rateLimits", Map.of("messagesPerVisitor", Map.of("permits", 7)))));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode expected = created.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) expected).put("name", "Renamed");
        ((tools.jackson.databind.node.ObjectNode) expected.get("rateLimits").get("messagesPerVisitor")).put("permits", 7);
        assertThat(patched.json()).isEqualTo(expected);
        assertThat(api.get(owner.bearer(), bots(owner) + "/" + id).json()).isEqualTo(expected);
        assertThat(auditDetails("bot.updated", id)).contains("name,rateLimits").doesNotContain("Renamed");

        assertThat(api.delete(owner.bearer(), bots(owner) + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(owner.bearer(), bots(owner) + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(owner.bearer(), bots(owner) + "/" + id).status()).isEqualTo(404);
        assertThat(api.patch(owner.bearer(), bots(owner) + "/" + id, json(Map.of("name", "x"))).status()).isEqualTo(404);
        assertThat(api.get(owner.bearer(), bots(owner)).json().get("items")).isEmpty();
        assertThat(auditDetails("bot.created", id)).isNotEmpty();
        assertThat(auditDetails("bot.deleted", id)).isNotEmpty();
    }

    @Test
    void theOpenAiApiKeyIsWriteOnly() {
        Map<String, Object> body = minimalBot("Upstream");
        body.put("responder", "openai");
        body.put("openai", Map.of("baseUrl", "https://api.example.com/v1", "model", "gpt-test", "apiKey", SECRET));

        Reply created = api.post(owner.bearer(), bots(owner), json(body));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(SECRET);
        JsonNode openai = created.json().get("openai");
        assertThat(openai.get("apiKeySet").asBoolean()).isTrue();
        assertThat(openai.get("baseUrl").asString()).isEqualTo("https://api.example.com/v1");
        assertThat(openai.has("apiKey")).isFalse();
        String path = bots(owner) + "/" + created.json().get("id").asString();

        assertThat(api.get(owner.bearer(), path).body()).doesNotContain(SECRET);
        assertThat(api.get(owner.bearer(), bots(owner)).body()).doesNotContain(SECRET);
        Reply renamed = api.patch(owner.bearer(), path, json(Map.of("openai", Map.of("model", "gpt-other"))));
        assertThat(renamed.body()).doesNotContain(SECRET);
        assertThat(renamed.json().get("openai").get("apiKeySet").asBoolean()).isTrue();
        Reply refused = api.patch(owner.bearer(), path, json(Map.of("openai", Map.of("apiKey", SECRET + "\u0000"))));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain(SECRET);
        assertThat(auditDetailsOfWorkspace()).doesNotContain(SECRET);
        Reply redirected = api.patch(owner.bearer(), path,
                json(Map.of("openai", Map.of("baseUrl", "https://elsewhere.example/v1"))));
        assertThat(redirected.status()).as("the stored key is never sent to a new address").isEqualTo(400);
        assertThat(redirected.firstErrorField()).isEqualTo("openai.apiKey");
        assertThat(api.get(owner.bearer(), path).json().get("openai").get("baseUrl").asString())
                .isEqualTo("https://api.example.com/v1");
        Reply moved = api.patch(owner.bearer(), path, json(Map.of("openai",
                Map.of("baseUrl", "https://elsewhere.example/v1", "apiKey", "sk-new-key-for-elsewhere"))));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        Reply cleared = api.patch(owner.bearer(), path, json(Map.of("openai", Map.of("apiKey", ""))));
        assertThat(cleared.json().get("openai").get("apiKeySet").asBoolean()).isFalse();
    }

    static List<Object[]> badBots() {
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[]{"name", Map.of("name", "n".repeat(101), "greeting", "Hi")});
        cases.add(new Object[]{"name", Map.of("name", "   ", "greeting", "Hi")});
        cases.add(new Object[]{"name", Map.of("greeting", "Hi")});
        cases.add(new Object[]{"greeting", Map.of("name", "Bot", "greeting", "g".repeat(1001))});
        cases.add(new Object[]{"responder", with("responder", "gpt")});
        cases.add(new Object[]{"synthetic.tokens", with("synthetic", Map.of("tokens", 0))});
        cases.add(new Object[]{"synthetic.tokens", with("synthetic", Map.of("tokens", 10_001))});
        cases.add(new Object[]{"synthetic.tokensPerSecond", with("synthetic", Map.of("tokensPerSecond", 1001))});
        cases.add(new Object[]{"openai.baseUrl", withOpenAi(Map.of("baseUrl", "http://example.com", "model", "m"))});
        cases.add(new Object[]{"openai.baseUrl", withOpenAi(Map.of("baseUrl", "ftp://example.com", "model", "m"))});
        cases.add(new Object[]{"openai.model", withOpenAi(Map.of("baseUrl", "https://api.example.com"))});
        cases.add(new Object[]{"openai.model", withOpenAi(Map.of("baseUrl", "https://api.example.com", "model", "m".repeat(201)))});
        cases.add(new Object[]{"rateLimits.messagesPerVisitor.permits",
                with("rateLimits", Map.of("messagesPerVisitor", Map.of("permits", -1, "windowSeconds", 10)))});
        cases.add(new Object[]{"rateLimits.messagesPerKeyAndIp.windowSeconds",
                with("rateLimits", Map.of("messagesPerKeyAndIp", Map.of("permits", 1, "windowSeconds", 0)))});
        cases.add(new Object[]{"rateLimits.connectionsPerKeyAndIp.windowSeconds",
                with("rateLimits", Map.of("connectionsPerKeyAndIp", Map.of("permits", 1, "windowSeconds", 86_401)))});
        for (String origin : List.of("*", "https://*.example.com", "http://example.com", "https://a.com/path",
                "https://a.com/", "null", "https://user@a.com", "https://a.com?q=1", "https://a.com:99999", "a.com",
                "")) {
            cases.add(new Object[]{"allowedOrigins[1]", with("allowedOrigins", List.of("https://fine.example", origin))});
        }
        cases.add(new Object[]{"allowedOrigins", with("allowedOrigins",
                IntStream.range(0, 51).mapToObj(i -> "https://o" + i + ".example").toList())});
        cases.add(new Object[]{"colour", with("colour", "blue")});
        cases.add(new Object[]{"allowNativeClients", with("allowNativeClients", "perhaps")});
        return cases;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = minimalBot("Bad");
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> withOpenAi(Map<String, Object> openai) {
        Map<String, Object> body = with("responder", "openai");
        body.put("openai", openai);
        return body;
    }

    @ParameterizedTest(name = "{0} ← {1}")
    @MethodSource("badBots")
    void badBotInputIsRefusedNamingTheFieldAndStoresNothing(String field, Map<String, Object> body) {
        Reply created = api.post(owner.bearer(), bots(owner), json(body));
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.header("Content-Type")).startsWith("application/problem+json");
        assertThat(created.json().get("errors").valueStream().map(error -> error.get("field").asString()).toList())
                .contains(field);
        assertThat(api.get(owner.bearer(), bots(owner)).json().get("items")).isEmpty();

        JsonNode bot = createBot(owner, minimalBot("Good"));
        String path = bots(owner) + "/" + bot.get("id").asString();
        Map<String, Object> patch = new LinkedHashMap<>(body);
        patch.remove("name");
        patch.remove("greeting");
        if (!field.equals("name") && !field.equals("greeting")) {
            Reply patched = api.patch(owner.bearer(), path, json(patch));
            assertThat(patched.status()).as(patched.body()).isEqualTo(400);
            assertThat(patched.json().get("errors").valueStream().map(error -> error.get("field").asString()).toList())
                    .contains(field);
        }
        assertThat(api.get(owner.bearer(), path).json()).isEqualTo(bot);
    }

    @Test
    void textIsStoredVerbatim() {
        String name = "x'); DROP TABLE bots;--";
        String greeting = "<script>alert(1)</script> \"quoted\" \\ ünïcödé 🎉";
        JsonNode created = createBot(owner, Map.of("name", name, "greeting", greeting));
        JsonNode read = api.get(owner.bearer(), bots(owner) + "/" + created.get("id").asString()).json();
        assertThat(read.get("name").asString()).isEqualTo(name);
        assertThat(read.get("greeting").asString()).isEqualTo(greeting);
    }

    @Test
    void anotherWorkspacesBotKeyAndEntryAreNotFound() {
        Session other = api.newOwner("other");
        String botId = createBot(owner, minimalBot("Mine")).get("id").asString();
        String key = createKey(owner, botId);
        String entry = api.post(owner.bearer(), bots(owner) + "/" + botId + "/knowledge",
                json(Map.of("title", "T", "body", "B"))).json().get("id").asString();

        assertThat(api.get(other.bearer(), bots(other) + "/" + botId).status()).isEqualTo(404);
        assertThat(api.patch(other.bearer(), bots(other) + "/" + botId, json(Map.of("name", "x"))).status()).isEqualTo(404);
        assertThat(api.delete(other.bearer(), bots(other) + "/" + botId).status()).isEqualTo(404);
        assertThat(api.post(other.bearer(), keys(other), json(Map.of("botId", botId))).status()).isEqualTo(404);
        assertThat(api.get(other.bearer(), keys(other) + "?botId=" + botId).status()).isEqualTo(404);
        assertThat(api.patch(other.bearer(), keys(other) + "/" + key, json(Map.of("enabled", false))).status())
                .isEqualTo(404);
        String entries = bots(other) + "/" + botId + "/knowledge";
        assertThat(api.get(other.bearer(), entries).status()).isEqualTo(404);
        assertThat(api.get(other.bearer(), entries + "/" + entry).status()).isEqualTo(404);
        assertThat(api.put(other.bearer(), entries + "/" + entry, json(Map.of("title", "x", "body", "y"))).status())
                .isEqualTo(404);
        assertThat(api.delete(other.bearer(), entries + "/" + entry).status()).isEqualTo(404);
        // the other owner using the first workspace's path is not a member of it
        assertThat(api.get(other.bearer(), bots(owner) + "/" + botId).status()).isEqualTo(404);

        String otherBot = createBot(other, minimalBot("Theirs")).get("id").asString();
        assertThat(api.get(other.bearer(), bots(other) + "/" + otherBot + "/knowledge/" + entry).status())
                .isEqualTo(404);
        assertThat(api.get(owner.bearer(), bots(owner) + "/" + botId + "/knowledge/" + entry).status()).isEqualTo(200);
        assertThat(api.get(owner.bearer(), keys(owner)).json().get("items").get(0).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void aViewerReadsButMayNotWrite() {
        String botId = createBot(owner, minimalBot("Read me")).get("id").asString();
        String key = createKey(owner, botId);
        String entries = bots(owner) + "/" + botId + "/knowledge";
        String entry = api.post(owner.bearer(), entries, json(Map.of("title", "T", "body", "B"))).json().get("id").asString();
        String viewer = api.member(owner.workspace(), Role.VIEWER).bearer();

        assertThat(api.get(viewer, bots(owner)).status()).isEqualTo(200);
        assertThat(api.get(viewer, bots(owner) + "/" + botId).status()).isEqualTo(200);
        assertThat(api.get(viewer, keys(owner)).status()).isEqualTo(200);
        assertThat(api.get(viewer, keys(owner) + "?botId=" + botId).json().get("items").get(0).get("key").asString())
                .isEqualTo(key);
        assertThat(api.get(viewer, entries).status()).isEqualTo(200);
        assertThat(api.get(viewer, entries + "/" + entry).status()).isEqualTo(200);

        assertThat(api.post(viewer, bots(owner), json(minimalBot("No"))).status()).isEqualTo(403);
        assertThat(api.patch(viewer, bots(owner) + "/" + botId, json(Map.of("name", "No"))).status()).isEqualTo(403);
        assertThat(api.delete(viewer, bots(owner) + "/" + botId).status()).isEqualTo(403);
        assertThat(api.post(viewer, keys(owner), json(Map.of("botId", botId))).status()).isEqualTo(403);
        assertThat(api.patch(viewer, keys(owner) + "/" + key, json(Map.of("enabled", false))).status()).isEqualTo(403);
        assertThat(api.post(viewer, entries, json(Map.of("title", "T", "body", "B"))).status()).isEqualTo(403);
        assertThat(api.put(viewer, entries + "/" + entry, json(Map.of("title", "T", "body", "B"))).status()).isEqualTo(403);
        assertThat(api.delete(viewer, entries + "/" + entry).status()).isEqualTo(403);
        assertThat(api.post(viewer, entries + "/import", json(Map.of("format", "faq", "text", "Q: a\nA: b"))).status())
                .isEqualTo(403);
        assertThat(api.get(owner.bearer(), bots(owner) + "/" + botId).json().get("name").asString()).isEqualTo("Read me");
    }

    @Test
    void aKeyMadeOverRestLetsAVisitorInFromAnAllowedOriginUntilDisabledOrArchived() {
        Map<String, Object> body = minimalBot("Widget");
        body.put("allowedOrigins", List.of("https://shop.example"));
        String botId = createBot(owner, body).get("id").asString();
        String key = createKey(owner, botId);
        assertThat(key).matches("pk_[A-Za-z0-9_-]{24}");

        assertThat(handshake(key, "https://shop.example")).isEqualTo(101);
        assertThat(handshake(key, "https://evil.example")).isEqualTo(403);
        assertThat(handshake(key, null)).isEqualTo(403);
        try (Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key, "https://shop.example")) {
            JsonNode welcome = visitor.send("{\"type\":\"hello\"}").next("welcome");
            assertThat(welcome.get("bot").get("greeting").asString()).isEqualTo("Hello!");
        }

        Reply nativeAllowed = api.patch(owner.bearer(), bots(owner) + "/" + botId, json(Map.of("allowNativeClients", true)));
        assertThat(nativeAllowed.status()).isEqualTo(200);
        assertThat(handshake(key, null)).isEqualTo(101);

        Reply disabled = api.patch(owner.bearer(), keys(owner) + "/" + key, json(Map.of("enabled", false)));
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
        assertThat(handshake(key, "https://shop.example")).isEqualTo(403);
        api.patch(owner.bearer(), keys(owner) + "/" + key, json(Map.of("enabled", true)));
        assertThat(handshake(key, "https://shop.example")).isEqualTo(101);

        assertThat(api.delete(owner.bearer(), bots(owner) + "/" + botId).status()).isEqualTo(204);
        assertThat(handshake(key, "https://shop.example")).isEqualTo(403);
        assertThat(api.get(owner.bearer(), keys(owner)).json().get("items")).isEmpty();
        assertThat(api.patch(owner.bearer(), keys(owner) + "/" + key, json(Map.of("enabled", true))).status())
                .isEqualTo(404);
    }

    @Test
    void badWidgetKeyInputIsRefused() {
        assertThat(api.post(owner.bearer(), keys(owner), json(Map.of())).firstErrorField()).isEqualTo("botId");
        assertThat(api.post(owner.bearer(), keys(owner), json(Map.of("botId", "b_nobody"))).status()).isEqualTo(404);
        assertThat(api.post(owner.bearer(), keys(owner), json(Map.of("botId", "x'; --"))).status()).isEqualTo(404);
        String botId = createBot(owner, minimalBot("K")).get("id").asString();
        String key = createKey(owner, botId);
        assertThat(api.patch(owner.bearer(), keys(owner) + "/" + key, json(Map.of())).firstErrorField()).isEqualTo("enabled");
        assertThat(api.patch(owner.bearer(), keys(owner) + "/" + key, json(Map.of("enabled", "no"))).firstErrorField())
                .isEqualTo("enabled");
        assertThat(api.get(owner.bearer(), keys(owner)).json().get("items").get(0).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void knowledgeEntriesRoundTripAndImportsAreSearchable() {
        String botId = createBot(owner, minimalBot("Knows")).get("id").asString();
        String entries = bots(owner) + "/" + botId + "/knowledge";

        Reply created = api.post(owner.bearer(), entries, json(Map.of("title", "Opening hours", "body", "Nine to five.")));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(id).startsWith("ke_");
        assertThat(api.get(owner.bearer(), entries + "/" + id).json()).isEqualTo(created.json());
        Reply replaced = api.put(owner.bearer(), entries + "/" + id, json(Map.of("title", "Hours", "body", "Ten to six.")));
        assertThat(replaced.json().get("body").asString()).isEqualTo("Ten to six.");
        assertThat(api.put(owner.bearer(), entries + "/" + id, json(Map.of("title", "Hours"))).firstErrorField())
                .isEqualTo("body");
        assertThat(api.post(owner.bearer(), entries, json(Map.of("title", "t".repeat(201), "body", "b"))).firstErrorField())
                .isEqualTo("title");
        assertThat(api.post(owner.bearer(), entries, json(Map.of("title", "t", "body", "b".repeat(20_001))))
                .firstErrorField()).isEqualTo("body");

        Reply imported = api.post(owner.bearer(), entries + "/import", json(Map.of("format", "markdown", "text", """
                # Shipping abroad
                We ship parcels to every country within three days.
                ## Kettle warranty
                Every kettle carries a two year warranty.
                """)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().get("created").asInt()).isEqualTo(2);
        List<String> ids = imported.json().get("entries").valueStream().map(JsonNode::asString).toList();
        assertThat(api.get(owner.bearer(), entries).json().get("items").valueStream()
                .map(item -> item.get("id").asString()).toList()).containsExactly(id, ids.get(0), ids.get(1));
        KnowledgeIndex knowledgeIndex = context.getBean(PostgresAdapters.class).knowledgeIndex();
        assertThat(knowledgeIndex.search(new BotId(botId), "is my kettle under warranty?", 1)
                .map(KnowledgeEntry::id).collectList().block(TIMEOUT)).containsExactly(ids.get(1));
        assertThat(auditDetails("knowledge.changed", botId)).contains("imported");

        Reply faq = api.post(owner.bearer(), entries + "/import", json(Map.of("format", "faq", "replace", true,
                "text", "Q: Do you sell parrots?\nA: Only blue ones.\n")));
        assertThat(faq.json().get("created").asInt()).isEqualTo(1);
        assertThat(api.get(owner.bearer(), entries).json().get("items")).hasSize(1);

        Reply broken = api.post(owner.bearer(), entries + "/import", json(Map.of("format", "faq", "replace", true,
                "text", "Q: Fine?\nA: Fine.\n\nQ: Broken\n")));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.firstErrorField()).isEqualTo("text");
        assertThat(broken.json().get("errors").get(0).get("message").asString()).startsWith("Block 2:");
        assertThat(api.post(owner.bearer(), entries + "/import", json(Map.of("format", "word", "text", "x")))
                .firstErrorField()).isEqualTo("format");
        assertThat(api.post(owner.bearer(), entries + "/import", json(Map.of("format", "markdown", "text", "no heading")))
                .firstErrorField()).isEqualTo("text");
        assertThat(api.get(owner.bearer(), entries).json().get("items")).hasSize(1);

        assertThat(api.delete(owner.bearer(), entries + "/" + faq.json().get("entries").get(0).asString()).status())
                .isEqualTo(204);
        assertThat(api.get(owner.bearer(), entries).json().get("items")).isEmpty();
    }

    /** The status of a WebSocket upgrade sent as plain HTTPS (101, or the refusal before any upgrade). */
    private int handshake(String key, @Nullable String origin) {
        return UpgradeRequests.send(CERTIFICATE.trustingClientContext(), httpsPort, "/ws/visitor?key=" + key, origin)
                .status();
    }

    private static final class Visitor extends WebSocketTestClient<Visitor> {
        Visitor(TestCertificate trusted, int port, String key, String origin) {
            super(trusted, port, "/ws/visitor?key=" + key, Map.of("Origin", origin));
        }
    }

    /** The details of the audit events of {@code kind} that mention {@code id}, joined. */
    private String auditDetails(String kind, String id) {
        return String.join("\n", query("SELECT details FROM audit_events WHERE kind = ? AND details LIKE ?",
                kind, "%" + id + "%"));
    }

    private String auditDetailsOfWorkspace() {
        return String.join("\n", query("SELECT details FROM audit_events WHERE workspace_id = ?", owner.workspace()));
    }

    private static List<String> query(String sql, String... parameters) {
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
