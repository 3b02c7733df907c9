package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.parley.core.model.BotId;
import io.parley.core.port.BotChanges.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Bot change announcements on a real Redis, as two nodes (two adapter sets, one prefix) see them. */
class RedisBotChangesTest extends SharedRedisTest {
    private static final BotId BOT = new BotId("b_announced");

    private RedisKeys keys;
    private RedisAdapters nodeA;
    private RedisAdapters nodeB;

    @BeforeEach
    void nodes() {
        keys = new RedisKeys(RedisTestSupport.randomPrefix());
        nodeA = new RedisAdapters(client, keys.prefix());
        nodeB = new RedisAdapters(client, keys.prefix());
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aChangeAnnouncedOnOneNodeReachesTheOtherAfterSubscribedOnTheChannelOfThePrefix() {
        assertThat(keys.botChanges()).isEqualTo(keys.prefix() + "{bots}:changes");

        StepVerifier.create(nodeB.botChanges().changes())
                .expectNext(new Signal.Subscribed())
                .then(() -> nodeA.botChanges().announce(BOT).block(TIMEOUT))
                .expectNext(new Signal.Changed(BOT))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void anUnreadablePayloadIsSkippedAndTheNextAnnouncementArrives() {
        StepVerifier.create(nodeB.botChanges().changes())
                .expectNext(new Signal.Subscribed())
                .then(() -> admin.publish(keys.botChanges(), "not a bot id"))
                .then(() -> nodeA.botChanges().announce(BOT).block(TIMEOUT))
                .expectNext(new Signal.Changed(BOT))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void losingThePubSubConnectionErrorsTheSubscriptionForAnnouncementsMayHaveBeenMissed() {
        StepVerifier.create(nodeB.botChanges().changes())
                .expectNext(new Signal.Subscribed())
                .then(() -> admin.clientKill(KillArgs.Builder.id(
                        RedisTestSupport.clientId(admin, keys.clientName("bots")))))
                .expectErrorMessage("Redis pub/sub connection lost; bot changes may have been missed")
                .verify(TIMEOUT);
    }

    @Test
    void announcingWhileRedisIsDownErrors() {
        var unreachable = RedisTestSupport.unreachableClient();
        try (RedisAdapters down = new RedisAdapters(unreachable, keys.prefix())) {
            StepVerifier.create(down.botChanges().announce(BOT))
                    .expectError()
                    .verify(TIMEOUT);
        } finally {
            unreachable.shutdown();
        }
    }
}
