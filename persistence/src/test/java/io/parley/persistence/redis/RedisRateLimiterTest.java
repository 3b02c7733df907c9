package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.parley.core.model.RateLimit;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.RateLimiter.Decision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class RedisRateLimiterTest extends SharedRedisTest {
    private RedisKeys keys;
    private RedisAdapters node;
    private RateLimiter limiter;

    @BeforeEach
    void newNode() {
        keys = new RedisKeys(RedisTestSupport.randomPrefix());
        node = new RedisAdapters(client, keys.prefix());
        limiter = node.rateLimiter();
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void allowsExactlyPermitsWithinTheWindowThenRefusesUntilTheWindowHasSlid() {
        RateLimit limit = new RateLimit(3, Duration.ofMillis(400));
        long firstAt = System.nanoTime();
        StepVerifier.create(Flux.range(0, 4).concatMap(i -> limiter.tryAcquire("v_1", limit)))
                .expectNext(Decision.ALLOWED, Decision.ALLOWED, Decision.ALLOWED)
                .assertNext(refused -> {
                    assertThat(refused.allowed()).isFalse();
                    assertThat(refused.retryAfterMillis()).isPositive().isLessThanOrEqualTo(400);
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(admin.zcard(keys.prefix() + "{v_1}:rl")).isEqualTo(3);

        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.tryAcquire("v_1", limit).block(TIMEOUT).allowed());
        assertThat(Duration.ofNanos(System.nanoTime() - firstAt)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
    }

    @Test
    void retryAfterSaysWhenTheOldestAdmittedEventLeavesTheWindow() {
        RateLimit limit = new RateLimit(1, Duration.ofSeconds(10));
        Decision first = limiter.tryAcquire("ip:1", limit).block(TIMEOUT);
        Decision refused = limiter.tryAcquire("ip:1", limit).block(TIMEOUT);
        assertThat(first).isEqualTo(Decision.ALLOWED);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isBetween(9_000L, 10_000L);
    }

    @Test
    void keysAreLimitedIndependently() {
        RateLimit limit = new RateLimit(1, Duration.ofSeconds(10));
        StepVerifier.create(limiter.tryAcquire("{a}", limit)
                        .concatWith(limiter.tryAcquire("{a}", limit))
                        .concatWith(limiter.tryAcquire("a", limit))
                        .map(Decision::allowed))
                .expectNext(true, false, true)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anUnlimitedRateNeverTouchesRedis() {
        RedisClient counted = RedisTestSupport.client();
        List<String> commands = new CopyOnWriteArrayList<>();
        counted.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommand().getType().toString());
            }
        });
        try (RedisAdapters countedNode = new RedisAdapters(counted, keys.prefix())) {
            StepVerifier.create(Flux.range(0, 100)
                            .concatMap(i -> countedNode.rateLimiter().tryAcquire("k", RateLimit.UNLIMITED)))
                    .expectNextCount(100)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(commands).isEmpty();

            countedNode.rateLimiter().tryAcquire("k", new RateLimit(1, Duration.ofSeconds(1))).block(TIMEOUT);
            assertThat(commands).contains("EVALSHA");
        } finally {
            counted.shutdown();
        }
    }

    @Test
    void theScriptSurvivesScriptFlush() {
        RateLimit limit = new RateLimit(2, Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire("k", limit).block(TIMEOUT)).isEqualTo(Decision.ALLOWED);
        String sha = RedisScript.named("rate-limit.lua").sha();
        assertThat(admin.scriptExists(sha)).containsExactly(true);

        admin.scriptFlush();

        assertThat(limiter.tryAcquire("k", limit).block(TIMEOUT)).isEqualTo(Decision.ALLOWED);
        // refused by the count kept in Redis: a local fallback would have seen one event only
        assertThat(limiter.tryAcquire("k", limit).block(TIMEOUT).allowed()).isFalse();
        assertThat(admin.scriptExists(sha)).containsExactly(true);
    }

    @Test
    void whenRedisIsUnreachableItFallsBackToALocalLimitThatStillRefusesPastPermits() {
        RedisClient unreachable = RedisTestSupport.unreachableClient();
        try (RedisAdapters down = new RedisAdapters(unreachable, keys.prefix())) {
            assertRefusesPastPermitsLocally(down.rateLimiter());
        } finally {
            unreachable.shutdown();
        }
    }

    @Test
    void whenRedisDoesNotAnswerInTimeItFallsBackToALocalLimit() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisClient stuck = RedisClient.create(RedisURI.create("127.0.0.1", silent.getLocalPort()));
            try (RedisAdapters slow = new RedisAdapters(stuck, keys.prefix())) {
                assertRefusesPastPermitsLocally(slow.rateLimiter());
            } finally {
                stuck.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void theLocalFallbackSlidesItsWindowWithTheClock() {
        AtomicLong nanos = new AtomicLong(42);
        LocalRateLimiter local = new LocalRateLimiter(nanos::get);
        RateLimit limit = new RateLimit(2, Duration.ofSeconds(1));

        assertThat(local.tryAcquire("k", limit)).isEqualTo(Decision.ALLOWED);
        nanos.addAndGet(Duration.ofMillis(300).toNanos());
        assertThat(local.tryAcquire("k", limit)).isEqualTo(Decision.ALLOWED);
        assertThat(local.tryAcquire("k", limit)).isEqualTo(new Decision(false, 700));
        nanos.addAndGet(Duration.ofMillis(700).toNanos());
        assertThat(local.tryAcquire("k", limit)).isEqualTo(Decision.ALLOWED);
        assertThat(local.tryAcquire("k", limit)).isEqualTo(new Decision(false, 300));
        assertThat(local.tryAcquire("other", limit)).isEqualTo(Decision.ALLOWED);

        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(local.tryAcquire("k", limit)).isEqualTo(Decision.ALLOWED);
        assertThat(local.trackedKeys()).isEqualTo(1);
    }

    private static void assertRefusesPastPermitsLocally(RateLimiter limiter) {
        RateLimit limit = new RateLimit(2, Duration.ofSeconds(10));
        StepVerifier.create(Flux.range(0, 3).concatMap(i -> limiter.tryAcquire("v_9", limit)))
                .expectNext(Decision.ALLOWED, Decision.ALLOWED)
                .assertNext(refused -> {
                    assertThat(refused.allowed()).isFalse();
                    assertThat(refused.retryAfterMillis()).isPositive().isLessThanOrEqualTo(10_000);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
