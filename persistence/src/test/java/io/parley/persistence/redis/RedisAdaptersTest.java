package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.VISITOR;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.RateLimit;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class RedisAdaptersTest extends SharedRedisTest {
    @Test
    void keysCarryTheConversationOrLimitKeyAsAHashTagAfterThePrefix() {
        RedisKeys keys = new RedisKeys("parley:dev:");
        ConversationId c = new ConversationId("c_42");
        MessageId m = new MessageId("m_7");

        assertThat(keys.events(c)).isEqualTo("parley:dev:{c_42}:events");
        assertThat(keys.replyText(c, m)).isEqualTo("parley:dev:{c_42}:reply:m_7");
        assertThat(keys.replyMeta(c, m)).isEqualTo("parley:dev:{c_42}:reply:m_7:meta");
        assertThat(keys.liveReplies(c)).isEqualTo("parley:dev:{c_42}:replies");
        assertThat(keys.rateLimit("ip:10.0.0.1", "ip:10.0.0.1")).isEqualTo("parley:dev:{ip:10.0.0.1}:rl");
        assertThat(keys.rateLimit("w_1", "msg:v:v_1")).isEqualTo("parley:dev:{w_1}:rl:msg:v:v_1");
        assertThat(keys.clientName("events")).isEqualTo("parley:dev:events");
        assertThat(new RedisKeys("my env ").clientName("events")).isEqualTo("my_env_events");
    }

    @Test
    void aKeyPrefixWithBracesIsRefusedForItWouldBreakTheHashTags() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RedisAdapters(client, "parley:{dev}:"));
    }

    @Test
    void closingTheAdaptersClosesTheirConnectionsAndErrorsSubscribers() {
        ConversationId c = conversation();
        LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);
        RedisKeys keys = new RedisKeys(RedisTestSupport.randomPrefix());
        RedisAdapters closing = new RedisAdapters(client, keys.prefix());

        StepVerifier.create(closing.eventBus().subscribe(c))
                .expectNext(new LiveSignal.Subscribed())
                .then(() -> closing.eventBus().publish(c, typing).block(TIMEOUT))
                .expectNext(typing)
                .then(() -> {
                    assertThat(RedisTestSupport.clientId(admin, keys.clientName("events"))).isPositive();
                    assertThat(RedisTestSupport.clientId(admin, keys.clientName("commands"))).isPositive();
                    closing.close();
                })
                .expectError(IllegalStateException.class)
                .verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> RedisTestSupport.clientId(admin, keys.clientName("events")) < 0
                && RedisTestSupport.clientId(admin, keys.clientName("commands")) < 0);
        StepVerifier.create(closing.rateLimiter().tryAcquire("k", new RateLimit(1, Duration.ofSeconds(1))))
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
