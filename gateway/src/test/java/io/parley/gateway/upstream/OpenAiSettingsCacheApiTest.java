package io.parley.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.parley.core.engine.RandomIds;
import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.port.Clock;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.ApiClient.Reply;
import io.parley.gateway.testing.ApiClient.Session;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.pool.ConnectionPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A bot or its knowledge entries edited over the real HTTP API are seen at once by the gateway's own caches and
 * by the caches of another node (its own PostgreSQL pool and Redis connection, same key prefix), whose expiry is
 * an hour: only the announcement can make them read again within the test's bound.
 */
class OpenAiSettingsCacheApiTest extends GatewayIntegrationTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String KEY = "sk-api-cache-SECRET-2718";

    @Autowired
    private ApplicationContext context;
    @Autowired
    private CachedOpenAiUpstreams thisNode;
    @Autowired
    private CachedKnowledgeIndex thisNodesKnowledge;
    private ApiClient api;
    private Session owner;
    private ConnectionPool otherPool;
    private RedisClient otherClient;
    private RedisAdapters otherRedis;
    private CachedOpenAiUpstreams otherNode;
    private CachedKnowledgeIndex otherNodesKnowledge;

    @BeforeEach
    void nodes() {
        api = new ApiClient(https(), context);
        owner = api.newOwner("settings-cache");
        otherPool = TestDatabase.newPool(2);
        otherClient = RedisClient.create(RedisURI.create(TestBackends.properties().get("parley.redis.uri")));
        otherRedis = new RedisAdapters(otherClient, TestBackends.properties().get("parley.redis.key-prefix"));
        PostgresAdapters otherPostgres = new PostgresAdapters(otherPool, Clock.system(), new RandomIds(),
                TestKeys.encryption());
        otherNode = new CachedOpenAiUpstreams(otherPostgres.openAiUpstreams(), otherRedis.botChanges(),
                Duration.ofHours(1), 100);
        otherNodesKnowledge = new CachedKnowledgeIndex(otherPostgres.knowledgeIndex(), otherPostgres.knowledgeSnapshots(),
                otherRedis.botChanges(), Duration.ofHours(1), 100, 1_000_000);
        await().atMost(BOUND).until(() -> otherNode.caching() && thisNode.caching() && otherNodesKnowledge.caching()
                && thisNodesKnowledge.caching());
    }

    @AfterEach
    void close() {
        otherNodesKnowledge.close();
        otherNode.close();
        otherRedis.close();
        otherClient.shutdown();
        otherPool.dispose();
    }

    private String path(@Nullable String bot) {
        return "/api/v1/workspaces/" + owner.workspace() + "/bots" + (bot == null ? "" : "/" + bot);
    }

    private static String json(Object value) {
        return ApiClient.JSON.writeValueAsString(value);
    }

    private static @Nullable OpenAiUpstream ask(CachedOpenAiUpstreams node, String bot) {
        return node.of(new BotId(bot)).block(BOUND);
    }

    private void patch(String bot, Map<String, Object> openai) {
        Reply patched = api.patch(owner.bearer(), path(bot), json(Map.of("openai", openai)));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    }

    @Test
    void everyNodeSeesAnUpdateOrAnArchivingOfTheBotAtOnce() {
        Reply created = api.post(owner.bearer(), path(null), json(Map.of("name", "Ada", "greeting", "Hi",
                "responder", "openai",
                "openai", Map.of("baseUrl", "https://api.example.com/v1", "model", "gpt-first", "apiKey", KEY))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String bot = created.json().get("id").asString();
        OpenAiUpstream first = new OpenAiUpstream("https://api.example.com/v1", "gpt-first", KEY);
        assertThat(ask(thisNode, bot)).isEqualTo(first);
        assertThat(ask(otherNode, bot)).isEqualTo(first);

        patch(bot, Map.of("model", "gpt-second"));
        OpenAiUpstream second = new OpenAiUpstream("https://api.example.com/v1", "gpt-second", KEY);
        await().atMost(BOUND).until(() -> second.equals(ask(otherNode, bot)) && second.equals(ask(thisNode, bot)));

        patch(bot, Map.of("baseUrl", "https://elsewhere.example/v1", "apiKey", KEY + "-moved"));
        OpenAiUpstream moved = new OpenAiUpstream("https://elsewhere.example/v1", "gpt-second", KEY + "-moved");
        await().atMost(BOUND).until(() -> moved.equals(ask(otherNode, bot)) && moved.equals(ask(thisNode, bot)));

        assertThat(api.delete(owner.bearer(), path(bot)).status()).isEqualTo(204);
        await().atMost(BOUND).until(() -> ask(otherNode, bot) == null && ask(thisNode, bot) == null);
    }

    private static List<String> titles(CachedKnowledgeIndex node, String bot, String question) {
        return node.search(new BotId(bot), question, 3).map(KnowledgeEntry::title).collectList().block(BOUND);
    }

    @Test
    void everyNodeSearchesAnEntryCreatedChangedOrDeletedOverTheApiAtOnce() {
        Reply created = api.post(owner.bearer(), path(null), json(Map.of("name", "Kim", "greeting", "Hi",
                "responder", "knowledge")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String bot = created.json().get("id").asString();
        String question = "Do you sell gift cards?";
        assertThat(titles(thisNodesKnowledge, bot, question)).isEmpty();
        assertThat(titles(otherNodesKnowledge, bot, question)).isEmpty();

        Reply entry = api.post(owner.bearer(), path(bot) + "/knowledge",
                json(Map.of("title", "Gift cards", "body", "Gift cards are sold in every shop.")));
        assertThat(entry.status()).as(entry.body()).isEqualTo(201);
        String entryId = entry.json().get("id").asString();
        await().atMost(BOUND).until(() -> titles(otherNodesKnowledge, bot, question).equals(List.of("Gift cards"))
                && titles(thisNodesKnowledge, bot, question).equals(List.of("Gift cards")));

        Reply changed = api.put(owner.bearer(), path(bot) + "/knowledge/" + entryId,
                json(Map.of("title", "Vouchers", "body", "Vouchers replace gift cards.")));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        await().atMost(BOUND).until(() -> titles(otherNodesKnowledge, bot, question).equals(List.of("Vouchers"))
                && titles(thisNodesKnowledge, bot, question).equals(List.of("Vouchers")));

        assertThat(api.delete(owner.bearer(), path(bot) + "/knowledge/" + entryId).status()).isEqualTo(204);
        await().atMost(BOUND).until(() -> titles(otherNodesKnowledge, bot, question).isEmpty()
                && titles(thisNodesKnowledge, bot, question).isEmpty());
    }
}
