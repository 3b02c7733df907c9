package io.parley.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.parley.core.engine.RandomIds;
import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.KnowledgeBase;
import io.parley.core.port.KnowledgeIndex;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.postgres.KnowledgeSnapshots;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The knowledge bases a node keeps and searches in memory, over the real PostgreSQL adapters (their reads and
 * searches counted) and real Redis announcements, with a second Redis client as another node.
 */
class CachedKnowledgeIndexTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofHours(1);
    private static final String PREFIX = "parley:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private final PostgresAdapters postgres = new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(),
            new RandomIds(), TestKeys.encryption());
    private final KnowledgeBase knowledge = postgres.knowledgeBase();
    private final WorkspaceId workspace = workspace();
    private final AtomicInteger snapshotReads = new AtomicInteger();
    private final AtomicInteger databaseSearches = new AtomicInteger();
    private final KnowledgeSnapshots countedSnapshots = (bot, maxEntries, maxChars) -> Mono.defer(() -> {
        snapshotReads.incrementAndGet();
        return postgres.knowledgeSnapshots().of(bot, maxEntries, maxChars);
    });
    private final KnowledgeIndex countedDatabase = (bot, question, max) -> Flux.defer(() -> {
        databaseSearches.incrementAndGet();
        return postgres.knowledgeIndex().search(bot, question, max);
    });
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private static WorkspaceId workspace() {
        WorkspaceId id = new WorkspaceId("w_kcache" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        AdminData.execute("INSERT INTO workspaces (id, name) VALUES (?, 'Knowledge cache test')", id.value());
        return id;
    }

    private BotId bot(String... titlesAndBodies) {
        BotId bot = postgres.bots().create(workspace, new BotDraft("Kb", "Hi", ResponderKind.KNOWLEDGE_BASE,
                SyntheticSettings.DEFAULT, null, null, BotLimits.DEFAULTS, List.of(), true), null).block(BOUND).id();
        for (int i = 0; i < titlesAndBodies.length; i += 2) {
            knowledge.create(bot, titlesAndBodies[i], titlesAndBodies[i + 1]).block(BOUND);
        }
        return bot;
    }

    private RedisAdapters node() {
        RedisClient client = RedisClient.create(RedisURI.create(TestBackends.properties().get("parley.redis.uri")));
        closing.add(client::shutdown);
        RedisAdapters adapters = new RedisAdapters(client, PREFIX);
        closing.add(adapters);
        return adapters;
    }

    private CachedKnowledgeIndex subscribedIndex(int maxEntriesPerBot, long maxBytes, AtomicLong nanos) {
        CachedKnowledgeIndex index = new CachedKnowledgeIndex(countedDatabase, countedSnapshots, node().botChanges(),
                LONG, maxEntriesPerBot, maxBytes, nanos::get);
        closing.add(index);
        await().atMost(BOUND).until(index::caching);
        return index;
    }

    private static List<String> titles(KnowledgeIndex index, BotId bot, String question) {
        return index.search(bot, question, 3).map(KnowledgeEntry::title).collectList().block(BOUND);
    }

    @Test
    void aBotsEntriesAreReadOnceAndSearchedInMemoryWithPostgresqlsAnswers() {
        CachedKnowledgeIndex index = subscribedIndex(100, 1_000_000, new AtomicLong());
        BotId bot = bot("Refund policy", "Refunds take ten days.", "Opening hours", "We are open from nine to five.",
                "Shipping", "Parcels ship within two days; refunds of shipping are possible.");

        for (String question : List.of("How long do refunds take?", "When are you open?", "shipping refund",
                "nothing matches this", "how do I")) {
            assertThat(titles(index, bot, question)).as(question)
                    .isEqualTo(titles(postgres.knowledgeIndex(), bot, question));
        }

        assertThat(snapshotReads).hasValue(1);
        assertThat(databaseSearches).as("every question was plain: none went to PostgreSQL").hasValue(0);
        assertThat(titles(index, bot, "How long do refunds take?")).first().isEqualTo("Refund policy");
    }

    @Test
    void aQuestionThatIsNotPlainTextAndABotTooBigToKeepAreSearchedInPostgresql() {
        CachedKnowledgeIndex index = subscribedIndex(2, 1_000_000, new AtomicLong());
        BotId small = bot("Self-hosting", "Run it on your own servers.");
        BotId big = bot("One", "Refunds one.", "Two", "Refunds two.", "Three", "Refunds three.");

        assertThat(titles(index, small, "self-hosting?")).containsExactly("Self-hosting");
        assertThat(databaseSearches).as("a hyphenated word").hasValue(1);

        assertThat(titles(index, big, "refunds")).hasSize(3);
        assertThat(titles(index, big, "refunds")).hasSize(3);
        assertThat(databaseSearches).as("three entries, two allowed").hasValue(3);
        assertThat(snapshotReads).as("that the bot is too big is kept too").hasValue(2);
    }

    @Test
    void anEntryAddedOrRemovedAndAnnouncedOnAnotherNodeIsSearchedAtOnce() {
        CachedKnowledgeIndex index = subscribedIndex(100, 1_000_000, new AtomicLong());
        RedisAdapters otherNode = node();
        BotId bot = bot("Opening hours", "We are open from nine to five.");
        assertThat(titles(index, bot, "Do you offer gift cards?")).isEmpty();

        String id = knowledge.create(bot, "Gift cards", "Gift cards are sold in every shop.").block(BOUND).entry().id();
        assertThat(titles(index, bot, "Do you offer gift cards?")).as("not announced yet: the kept entries").isEmpty();
        otherNode.botChanges().announce(bot).block(BOUND);
        await().atMost(BOUND).until(() -> titles(index, bot, "Do you offer gift cards?").equals(List.of("Gift cards")));

        knowledge.delete(bot, id).block(BOUND);
        otherNode.botChanges().announce(bot).block(BOUND);
        await().atMost(BOUND).until(() -> titles(index, bot, "Do you offer gift cards?").isEmpty());
        assertThat(databaseSearches).hasValue(0);
    }

    @Test
    void beyondItsMemoryTheIndexDropsTheOldestBots() {
        AtomicLong nanos = new AtomicLong();
        List<BotId> oldestFirst = new ArrayList<>();
        long largest = 0;
        for (String title : List.of("Alpha", "Bravo", "Delta", "Gamma", "Omega")) {
            BotId bot = bot(title, title.toLowerCase().repeat(12));
            oldestFirst.add(bot);
            largest = Math.max(largest, postgres.knowledgeSnapshots().of(bot, 100, 1_000_000).block(BOUND).orElseThrow()
                    .bytes());
        }
        // five bots of the same size, room for four: the fifth pushes out the oldest (a tenth of the room is freed,
        // which takes the two oldest)
        CachedKnowledgeIndex index = subscribedIndex(100, 4 * largest, nanos);

        for (BotId bot : oldestFirst) {
            nanos.addAndGet(1_000);
            assertThat(titles(index, bot, "alpha bravo delta gamma omega")).hasSize(1);
        }
        assertThat(snapshotReads).hasValue(5);
        titles(index, oldestFirst.get(4), "omega");
        titles(index, oldestFirst.get(2), "delta");
        assertThat(snapshotReads).as("the newer ones are kept").hasValue(5);
        titles(index, oldestFirst.get(0), "alpha");
        assertThat(snapshotReads).as("the oldest was dropped").hasValue(6);
        assertThat(databaseSearches).hasValue(0);
    }

    @Test
    void entriesExpireAndAnEntryReadAgainDoesNotCountTwiceTowardTheMemory() {
        AtomicLong nanos = new AtomicLong();
        BotId bot = bot("Alpha", "alpha".repeat(12));
        long size = postgres.knowledgeSnapshots().of(bot, 100, 1_000_000).block(BOUND).orElseThrow().bytes();
        CachedKnowledgeIndex index = new CachedKnowledgeIndex(countedDatabase, countedSnapshots, node().botChanges(),
                Duration.ofSeconds(1), 100, 4 * size, nanos::get);
        closing.add(index);
        await().atMost(BOUND).until(index::caching);
        BotId other = bot("Bravo", "bravo".repeat(12));

        for (int expiry = 0; expiry < 10; expiry++) {
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(titles(index, bot, "alpha")).containsExactly("Alpha");
        }
        assertThat(snapshotReads).as("read again after each expiry").hasValue(10);
        titles(index, other, "bravo");
        titles(index, bot, "alpha");
        titles(index, other, "bravo");
        assertThat(snapshotReads).as("two bots fit in room for four: nothing was pushed out").hasValue(11);
    }

    @Test
    void untilSubscribedTheIndexKeepsNothingAndPostgresqlSearches() {
        RedisClient unreachable = TestBackends.unreachableRedis();
        closing.add(unreachable::shutdown);
        RedisAdapters offline = new RedisAdapters(unreachable, PREFIX);
        closing.add(offline);
        CachedKnowledgeIndex index = new CachedKnowledgeIndex(countedDatabase, countedSnapshots, offline.botChanges(),
                LONG, 100, 1_000_000);
        closing.add(index);
        BotId bot = bot("Refund policy", "Refunds take ten days.");

        assertThat(titles(index, bot, "refunds")).containsExactly("Refund policy");
        assertThat(titles(index, bot, "refunds")).containsExactly("Refund policy");

        assertThat(index.caching()).isFalse();
        assertThat(databaseSearches).hasValue(2);
        assertThat(snapshotReads).as("no whole knowledge base read per question").hasValue(0);
    }

    @Test
    void aBlankQuestionOrNoRoomFindsNothingWithoutReadingAnything() {
        CachedKnowledgeIndex index = subscribedIndex(100, 1_000_000, new AtomicLong());
        BotId bot = bot("Refund policy", "Refunds take ten days.");

        assertThat(titles(index, bot, "  ")).isEmpty();
        assertThat(index.search(bot, "refunds", 0).collectList().block(BOUND)).isEmpty();

        assertThat(snapshotReads).hasValue(0);
        assertThat(databaseSearches).hasValue(0);
    }

    @Test
    void aFailedReadOfTheEntriesIsNotKeptAndThatQuestionIsSearchedInPostgresql() {
        AtomicInteger failures = new AtomicInteger(1);
        KnowledgeSnapshots failingOnce = (bot, maxEntries, maxChars) -> failures.getAndDecrement() > 0
                ? Mono.error(new IllegalStateException("read failed"))
                : countedSnapshots.of(bot, maxEntries, maxChars);
        CachedKnowledgeIndex index = new CachedKnowledgeIndex(countedDatabase, failingOnce, node().botChanges(),
                LONG, 100, 1_000_000);
        closing.add(index);
        await().atMost(BOUND).until(index::caching);
        BotId bot = bot("Refund policy", "Refunds take ten days.");

        assertThat(titles(index, bot, "refunds")).containsExactly("Refund policy");
        assertThat(databaseSearches).hasValue(1);
        assertThat(snapshotReads).hasValue(0);

        assertThat(titles(index, bot, "refunds")).containsExactly("Refund policy");
        assertThat(titles(index, bot, "refunds")).containsExactly("Refund policy");
        assertThat(snapshotReads).as("read again, then kept").hasValue(1);
        assertThat(databaseSearches).hasValue(1);
    }
}
