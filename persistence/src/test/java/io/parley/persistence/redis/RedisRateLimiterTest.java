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
import io.parley.core.port.RateLimiter.KeyedLimit;
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
import reactor.core.publisher.Mono;
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
        List<String> commands = new CopyOnWriteArrayList<>();
        RedisClient counted = countingClient(commands);
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

    @Test
    void anEventIsAdmittedOnlyWhenEveryLimitAdmitsItAndARefusalCountsUnderNoKey() {
        List<Decision> decisions = visitorsBehindOneAddress(limiter);

        assertThat(decisions).extracting(Decision::allowed).containsExactly(true, true, false, true, false, false, false);
        assertThat(decisions.get(2).retryAfterMillis()).as("the visitor's wait").isBetween(1L, 10_000L);
        assertThat(decisions.get(4).retryAfterMillis()).as("the address's wait").isBetween(10_001L, 60_000L);
        assertThat(decisions.get(6).retryAfterMillis()).as("the longer wait of both").isBetween(10_001L, 60_000L);
        assertThat(admin.zcard(keys.rateLimit("w_1", "msg:v:v_1"))).isEqualTo(2);
        assertThat(admin.zcard(keys.rateLimit("w_1", "msg:v:v_2"))).as("admitted once, refused once").isEqualTo(1);
        assertThat(admin.zcard(keys.rateLimit("w_1", "msg:v:v_3"))).as("only refused").isZero();
        assertThat(admin.zcard(keys.rateLimit("w_1", "msg:k:pk_1:203.0.113.5"))).isEqualTo(3);
    }

    @Test
    void aRefusalByEveryLimitSaysTheLongestWaitWhicheverComesFirst() {
        RateLimit shortWindow = new RateLimit(1, Duration.ofSeconds(10));
        RateLimit longWindow = new RateLimit(1, Duration.ofMinutes(1));
        List<KeyedLimit> shortFirst = List.of(new KeyedLimit("short", shortWindow), new KeyedLimit("long", longWindow));
        List<KeyedLimit> longFirst = List.of(shortFirst.get(1), shortFirst.get(0));

        assertThat(limiter.tryAcquireAll("g", shortFirst).block(TIMEOUT)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.tryAcquireAll("g", shortFirst).block(TIMEOUT).retryAfterMillis()).isBetween(10_001L, 60_000L);
        assertThat(limiter.tryAcquireAll("g", longFirst).block(TIMEOUT).retryAfterMillis()).isBetween(10_001L, 60_000L);
        assertThat(limiter.tryAcquire("short", shortWindow).block(TIMEOUT)).as("another group, another window")
                .isEqualTo(Decision.ALLOWED);
    }

    @Test
    void aDecisionOverTwoLimitsIsOneEvalsha() {
        List<String> commands = new CopyOnWriteArrayList<>();
        RedisClient counted = countingClient(commands);
        try (RedisAdapters countedNode = new RedisAdapters(counted, keys.prefix())) {
            RateLimiter countedLimiter = countedNode.rateLimiter();
            countedLimiter.tryAcquire("warm-up", new RateLimit(1, Duration.ofSeconds(1))).block(TIMEOUT);
            commands.clear();

            List<Decision> decisions = visitorsBehindOneAddress(countedLimiter);

            // counted on this client, not with INFO commandstats: other tests may share the Redis server
            assertThat(commands).hasSize(decisions.size()).containsOnly("EVALSHA");
        } finally {
            counted.shutdown();
        }
    }

    @Test
    void theLocalFallbackTakesTheSameDecisions() {
        AtomicLong nanos = new AtomicLong(42);
        LocalRateLimiter local = new LocalRateLimiter(nanos::get);
        RateLimiter onlyLocal = (group, limits) -> Mono.fromSupplier(() -> local.tryAcquireAll(limits.stream()
                .map(limit -> new KeyedLimit(group + " " + limit.key(), limit.limit())).toList()));
        assertThat(visitorsBehindOneAddress(onlyLocal)).containsExactly(Decision.ALLOWED, Decision.ALLOWED,
                new Decision(false, 10_000), Decision.ALLOWED, new Decision(false, 60_000),
                new Decision(false, 60_000), new Decision(false, 60_000));

        RedisClient unreachable = RedisTestSupport.unreachableClient();
        try (RedisAdapters down = new RedisAdapters(unreachable, keys.prefix())) {
            assertThat(visitorsBehindOneAddress(down.rateLimiter())).extracting(Decision::allowed)
                    .containsExactly(true, true, false, true, false, false, false);
        } finally {
            unreachable.shutdown();
        }
    }

    /**
     * Visitors v_1, v_2, v_3 (2 messages per 10 s each) behind one widget key and address (3 per minute):
     * v_1 is admitted twice, then refused by its own limit; v_2 is admitted (v_1's refusal used none of the
     * address's permits), then refused by the address's limit, as is v_3; v_1 is refused by both.
     */
    private static List<Decision> visitorsBehindOneAddress(RateLimiter limiter) {
        RateLimit perVisitor = new RateLimit(2, Duration.ofSeconds(10));
        KeyedLimit perAddress = new KeyedLimit("msg:k:pk_1:203.0.113.5", new RateLimit(3, Duration.ofMinutes(1)));
        List<List<KeyedLimit>> messages = List.of(
                List.of(new KeyedLimit("msg:v:v_1", perVisitor), perAddress),
                List.of(new KeyedLimit("msg:v:v_1", perVisitor), perAddress),
                List.of(new KeyedLimit("msg:v:v_1", perVisitor), perAddress),
                List.of(new KeyedLimit("msg:v:v_2", perVisitor), perAddress),
                List.of(perAddress, new KeyedLimit("msg:v:v_2", perVisitor)),
                List.of(new KeyedLimit("msg:v:v_3", perVisitor), perAddress),
                List.of(new KeyedLimit("msg:v:v_1", perVisitor), perAddress));
        return Flux.fromIterable(messages).concatMap(limits -> limiter.tryAcquireAll("w_1", limits))
                .collectList().block(Duration.ofSeconds(10));
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

    /** A client of the test Redis that adds the type of every command it sends to {@code commands}. */
    private static RedisClient countingClient(List<String> commands) {
        RedisClient client = RedisTestSupport.client();
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommand().getType().toString());
            }
        });
        return client;
    }
}
