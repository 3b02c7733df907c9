package io.parley.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.engine.RandomIds;
import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Bots;
import io.parley.core.port.Clock;
import io.parley.core.port.OpenAiUpstreams;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.pool.ConnectionPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The upstream settings a node keeps, over the real PostgreSQL adapter (its reads counted) and real Redis
 * announcements, with two caches on two Redis clients as two nodes.
 */
class CachedOpenAiUpstreamsTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofHours(1);
    private static final String KEY = "sk-cache-NEVER-SHOWN-31337";
    private static final String PREFIX = "parley:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private final PostgresAdapters postgres = new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(),
            new RandomIds(), TestKeys.encryption());
    private final Bots bots = postgres.bots();
    private final WorkspaceId workspace = workspace();
    private final CountingReads reads = new CountingReads(postgres.openAiUpstreams());
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** The real adapter, its reads counted per bot; nothing else changed. */
    static final class CountingReads implements OpenAiUpstreams {
        private final OpenAiUpstreams real;
        private final Map<BotId, AtomicInteger> counts = new ConcurrentHashMap<>();
        volatile Duration delay = Duration.ZERO;

        CountingReads(OpenAiUpstreams real) {
            this.real = real;
        }

        @Override
        public Mono<OpenAiUpstream> of(BotId bot) {
            return Mono.defer(() -> {
                counts.computeIfAbsent(bot, id -> new AtomicInteger()).incrementAndGet();
                return real.of(bot).delaySubscription(delay);
            });
        }

        int of(String bot) {
            AtomicInteger count = counts.get(new BotId(bot));
            return count == null ? 0 : count.get();
        }
    }

    private static WorkspaceId workspace() {
        WorkspaceId id = new WorkspaceId("w_cache" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        AdminData.execute("INSERT INTO workspaces (id, name) VALUES (?, 'Settings cache test')", id.value());
        return id;
    }

    private static BotDraft draft(String baseUrl, String model) {
        return new BotDraft("Ada", "Hi", ResponderKind.OPENAI, SyntheticSettings.DEFAULT, baseUrl, model,
                BotLimits.DEFAULTS, List.of(), true);
    }

    private String openAiBot(String model) {
        return bots.create(workspace, draft("https://upstream.example/v1", model), KEY).block(BOUND).id().value();
    }

    private RedisAdapters node(RedisClient client) {
        RedisAdapters adapters = new RedisAdapters(client, PREFIX);
        closing.add(adapters);
        return adapters;
    }

    private RedisClient client() {
        RedisClient client = RedisClient.create(RedisURI.create(TestBackends.properties().get("parley.redis.uri")));
        closing.add(client::shutdown);
        return client;
    }

    private CachedOpenAiUpstreams cache(OpenAiUpstreams database, RedisAdapters node, Duration expiry, int maxBots,
                                       AtomicLong nanos) {
        CachedOpenAiUpstreams cache = new CachedOpenAiUpstreams(database, node.botChanges(), expiry, maxBots,
                nanos::get);
        closing.add(cache);
        return cache;
    }

    private CachedOpenAiUpstreams subscribedCache(Duration expiry, int maxBots, AtomicLong nanos) {
        CachedOpenAiUpstreams cache = cache(reads, node(client()), expiry, maxBots, nanos);
        await().atMost(BOUND).until(cache::caching);
        return cache;
    }

    private static @Nullable OpenAiUpstream ask(OpenAiUpstreams cache, String bot) {
        return cache.of(new BotId(bot)).block(BOUND);
    }

    @Test
    void theSecondQuestionToABotDoesNotReadPostgresAgainAndGetsTheOpenedKey() {
        CachedOpenAiUpstreams cache = subscribedCache(LONG, 100, new AtomicLong());
        String bot = openAiBot("gpt-one");

        OpenAiUpstream first = ask(cache, bot);
        OpenAiUpstream second = ask(cache, bot);

        assertThat(first).isEqualTo(new OpenAiUpstream("https://upstream.example/v1", "gpt-one", KEY));
        assertThat(second).isEqualTo(first);
        assertThat(reads.of(bot)).isEqualTo(1);
    }

    @Test
    void concurrentQuestionsToABotNotYetKeptShareOneRead() {
        CachedOpenAiUpstreams cache = subscribedCache(LONG, 100, new AtomicLong());
        String bot = openAiBot("gpt-shared");
        reads.delay = Duration.ofMillis(200);

        StepVerifier.create(Flux.range(0, 20).flatMap(i -> cache.of(new BotId(bot))).map(OpenAiUpstream::model))
                .expectNextCount(20)
                .expectComplete()
                .verify(BOUND);

        assertThat(reads.of(bot)).isEqualTo(1);
    }

    @Test
    void aBotWithoutUpstreamIsKeptAsEmptyToo() {
        CachedOpenAiUpstreams cache = subscribedCache(LONG, 100, new AtomicLong());
        BotDraft knowledgeBase = new BotDraft("Kb", "Hi", ResponderKind.KNOWLEDGE_BASE, SyntheticSettings.DEFAULT,
                null, null, BotLimits.DEFAULTS, List.of(), true);
        String bot = bots.create(workspace, knowledgeBase, null).block(BOUND).id().value();

        assertThat(ask(cache, bot)).isNull();
        assertThat(ask(cache, bot)).isNull();

        assertThat(reads.of(bot)).isEqualTo(1);
    }

    @Test
    void aChangeAnnouncedOnAnotherNodeIsSeenAtOnceAndArchivingMakesTheAnswerEmpty() {
        CachedOpenAiUpstreams cache = subscribedCache(LONG, 100, new AtomicLong());
        RedisAdapters otherNode = node(client());
        String bot = openAiBot("gpt-before");
        assertThat(ask(cache, bot).model()).isEqualTo("gpt-before");

        bots.update(workspace, new BotId(bot), draft("https://elsewhere.example/v1", "gpt-after"),
                Bots.ApiKeyChange.to(KEY + "-rotated")).block(BOUND);
        otherNode.botChanges().announce(new BotId(bot)).block(BOUND);

        await().atMost(BOUND).until(() -> "gpt-after".equals(ask(cache, bot).model()));
        assertThat(ask(cache, bot)).isEqualTo(
                new OpenAiUpstream("https://elsewhere.example/v1", "gpt-after", KEY + "-rotated"));

        bots.archive(workspace, new BotId(bot)).block(BOUND);
        otherNode.botChanges().announce(new BotId(bot)).block(BOUND);

        await().atMost(BOUND).until(() -> ask(cache, bot) == null);
    }

    @Test
    void aFailedReadIsNotKeptAndTheNextQuestionReadsAgain() {
        ConnectionPool unreachable = PostgresConnections.pool("r2dbc:postgresql://127.0.0.1:1/nowhere",
                TestDatabase.user(), TestDatabase.password(), 1);
        closing.add(unreachable::dispose);
        OpenAiUpstreams down = new PostgresAdapters(unreachable, Clock.system(), new RandomIds(), TestKeys.encryption())
                .openAiUpstreams();
        AtomicInteger attempts = new AtomicInteger();
        // PostgreSQL unreachable for the first read only
        OpenAiUpstreams database = bot -> attempts.getAndIncrement() == 0 ? down.of(bot) : reads.of(bot);
        CachedOpenAiUpstreams cache = cache(database, node(client()), LONG, 100, new AtomicLong());
        await().atMost(BOUND).until(cache::caching);
        String bot = openAiBot("gpt-after-outage");

        StepVerifier.create(cache.of(new BotId(bot)))
                .expectError()
                .verify(BOUND);
        assertThat(ask(cache, bot).model()).isEqualTo("gpt-after-outage");
        assertThat(ask(cache, bot).model()).isEqualTo("gpt-after-outage");

        assertThat(attempts).hasValue(2);
    }

    @Test
    void anEntryIsReadAgainOnceItsExpiryHasPassed() {
        AtomicLong nanos = new AtomicLong(1_000);
        Duration expiry = Duration.ofSeconds(60);
        CachedOpenAiUpstreams cache = subscribedCache(expiry, 100, nanos);
        String bot = openAiBot("gpt-expiring");

        ask(cache, bot);
        nanos.addAndGet(expiry.toNanos() - 1);
        ask(cache, bot);
        assertThat(reads.of(bot)).as("within the expiry").isEqualTo(1);

        nanos.addAndGet(1);
        ask(cache, bot);
        assertThat(reads.of(bot)).as("at the expiry").isEqualTo(2);
    }

    @Test
    void beyondItsSizeTheCacheDropsTheOldestEntries() {
        AtomicLong nanos = new AtomicLong();
        CachedOpenAiUpstreams cache = subscribedCache(LONG, 2, nanos);
        String oldest = openAiBot("gpt-a");
        String older = openAiBot("gpt-b");
        String newest = openAiBot("gpt-c");

        for (String bot : List.of(oldest, older, newest)) {
            nanos.addAndGet(1_000);
            ask(cache, bot);
        }

        assertThat(cache.size()).isLessThanOrEqualTo(2);
        ask(cache, newest);
        ask(cache, oldest);
        assertThat(reads.of(newest)).as("the newest is kept").isEqualTo(1);
        assertThat(reads.of(oldest)).as("the oldest was dropped").isEqualTo(2);
    }

    @Test
    void afterLosingItsSubscriptionTheCacheForgetsEverythingAndResubscribes() {
        RedisClient client = client();
        CachedOpenAiUpstreams cache = cache(reads, node(client), LONG, 100, new AtomicLong());
        await().atMost(BOUND).until(cache::caching);
        String bot = openAiBot("gpt-kept");
        ask(cache, bot);
        assertThat(cache.size()).isEqualTo(1);

        try (StatefulRedisConnection<String, String> admin = client().connect()) {
            String name = PREFIX + "bots";
            long id = admin.sync().clientList().lines()
                    .filter(line -> line.contains(" name=" + name + " "))
                    .mapToLong(line -> Long.parseLong(line.substring(line.indexOf("id=") + 3, line.indexOf(' '))))
                    .findFirst().orElseThrow();
            admin.sync().clientKill(KillArgs.Builder.id(id));
        }

        await().atMost(BOUND).until(() -> cache.size() == 0 && cache.caching());
        ask(cache, bot);
        ask(cache, bot);
        assertThat(reads.of(bot)).as("read again once, then kept again").isEqualTo(2);

        bots.update(workspace, new BotId(bot), draft("https://upstream.example/v1", "gpt-resubscribed"),
                Bots.ApiKeyChange.KEEP).block(BOUND);
        node(client()).botChanges().announce(new BotId(bot)).block(BOUND);
        await().atMost(BOUND).until(() -> "gpt-resubscribed".equals(ask(cache, bot).model()));
    }

    @Test
    void untilSubscribedTheCacheKeepsNothing() {
        RedisClient unreachable = TestBackends.unreachableRedis();
        closing.add(unreachable::shutdown);
        CachedOpenAiUpstreams cache = cache(reads, node(unreachable), LONG, 100, new AtomicLong());
        String bot = openAiBot("gpt-unkept");

        assertThat(ask(cache, bot).model()).isEqualTo("gpt-unkept");
        assertThat(ask(cache, bot).model()).isEqualTo("gpt-unkept");

        assertThat(cache.caching()).isFalse();
        assertThat(reads.of(bot)).isEqualTo(2);
    }
}
