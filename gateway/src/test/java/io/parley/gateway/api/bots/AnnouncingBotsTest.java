package io.parley.gateway.api.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.parley.core.engine.RandomIds;
import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.BotSettings;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.BotChanges.Signal;
import io.parley.core.port.Bots;
import io.parley.core.port.Clock;
import io.parley.core.port.KnowledgeBase;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Every stored change of a bot or of its knowledge entries is announced after it is stored; with Redis down it is
 * stored all the same.
 */
class AnnouncingBotsTest {
    private static final BotId MARKER = new BotId("b_marker");
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String PREFIX = "parley:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private final PostgresAdapters postgres = new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(),
            new RandomIds(), TestKeys.encryption());
    private final Bots stored = postgres.bots();
    private final WorkspaceId workspace = new WorkspaceId("w_announce"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16));

    {
        AdminData.execute("INSERT INTO workspaces (id, name) VALUES (?, 'Announcing bots test')", workspace.value());
    }

    private static BotDraft draft(String model) {
        return new BotDraft("Ada", "Hi", ResponderKind.OPENAI, SyntheticSettings.DEFAULT, "https://api.example/v1",
                model, BotLimits.DEFAULTS, List.of(), true);
    }

    @Test
    void createUpdateAndArchiveAreEachAnnouncedOnceStored() {
        RedisClient client = RedisClient.create(RedisURI.create(TestBackends.properties().get("parley.redis.uri")));
        try (RedisAdapters redis = new RedisAdapters(client, PREFIX)) {
            Bots bots = new AnnouncingBots(stored, redis.botChanges());
            BotId[] bot = new BotId[1];

            StepVerifier.create(redis.botChanges().changes())
                    .recordWith(ArrayList::new)
                    .expectNext(new Signal.Subscribed())
                    .then(() -> bot[0] = bots.create(workspace, draft("gpt-1"), "sk-1").block(BOUND).id())
                    .expectNextCount(1)
                    .then(() -> assertThat(bots.update(workspace, bot[0], draft("gpt-2"), Bots.ApiKeyChange.to("sk-2"))
                            .block(BOUND).openai().model()).isEqualTo("gpt-2"))
                    .expectNextCount(1)
                    .then(() -> assertThat(bots.archive(workspace, bot[0]).block(BOUND)).isTrue())
                    .expectNextCount(1)
                    .then(() -> {
                        assertThat(bots.archive(workspace, bot[0]).block(BOUND)).as("already archived").isFalse();
                        // a later announcement comes next: the second archive announced nothing before it
                        redis.botChanges().announce(MARKER).block(BOUND);
                    })
                    .expectNext(new Signal.Changed(MARKER))
                    .consumeRecordedWith(signals -> assertThat(signals).containsExactly(new Signal.Subscribed(),
                            new Signal.Changed(bot[0]), new Signal.Changed(bot[0]), new Signal.Changed(bot[0]),
                            new Signal.Changed(MARKER)))
                    .thenCancel()
                    .verify(BOUND);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void everyStoredChangeOfABotsKnowledgeIsAnnouncedOnceStored() {
        RedisClient client = RedisClient.create(RedisURI.create(TestBackends.properties().get("parley.redis.uri")));
        try (RedisAdapters redis = new RedisAdapters(client, PREFIX)) {
            KnowledgeBase knowledge = new AnnouncingKnowledgeBase(postgres.knowledgeBase(), redis.botChanges());
            BotId bot = stored.create(workspace, draft("gpt-1"), null).block(BOUND).id();
            String[] entry = new String[1];

            StepVerifier.create(redis.botChanges().changes())
                    .expectNext(new Signal.Subscribed())
                    .then(() -> entry[0] = knowledge.create(bot, "Hours", "Nine to five.").block(BOUND).entry().id())
                    .expectNext(new Signal.Changed(bot))
                    .then(() -> knowledge.update(bot, entry[0], "Hours", "Ten to six.").block(BOUND))
                    .expectNext(new Signal.Changed(bot))
                    .then(() -> assertThat(knowledge.delete(bot, entry[0]).block(BOUND)).isTrue())
                    .expectNext(new Signal.Changed(bot))
                    .then(() -> {
                        assertThat(knowledge.delete(bot, entry[0]).block(BOUND)).as("already deleted").isFalse();
                        assertThat(knowledge.find(bot, "k_none").blockOptional(BOUND)).isEmpty();
                        // a later announcement comes next: the second delete and the read announced nothing before it
                        redis.botChanges().announce(MARKER).block(BOUND);
                    })
                    .expectNext(new Signal.Changed(MARKER))
                    .then(() -> knowledge.importAll(bot, List.of(new KnowledgeBase.Draft("Gift cards", "Sold in shops.")),
                            true).block(BOUND))
                    .expectNext(new Signal.Changed(bot))
                    .thenCancel()
                    .verify(BOUND);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withRedisDownTheChangeIsStoredAndAnsweredAsMade() {
        RedisClient unreachable = TestBackends.unreachableRedis();
        try (RedisAdapters redis = new RedisAdapters(unreachable, PREFIX)) {
            Bots bots = new AnnouncingBots(stored, redis.botChanges());
            BotSettings created = bots.create(workspace, draft("gpt-1"), "sk-1").block(BOUND);

            BotSettings updated = bots.update(workspace, created.id(), draft("gpt-2"), Bots.ApiKeyChange.KEEP)
                    .block(BOUND);

            assertThat(updated.openai().model()).isEqualTo("gpt-2");
            assertThat(stored.find(workspace, created.id()).block(BOUND).openai().model()).isEqualTo("gpt-2");
            assertThat(bots.archive(workspace, created.id()).block(BOUND)).isTrue();
            assertThat(stored.find(workspace, created.id()).blockOptional(BOUND)).isEmpty();
        } finally {
            unreachable.shutdown();
        }
    }
}
