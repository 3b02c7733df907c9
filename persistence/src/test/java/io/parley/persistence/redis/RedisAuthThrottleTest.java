package io.parley.persistence.redis;

import static io.parley.core.model.AttemptKind.API_KEY_FAILURE_PER_ADDRESS;
import static io.parley.core.model.AttemptKind.MAGIC_LINK_REQUEST_PER_ADDRESS;
import static io.parley.core.model.AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL;
import static io.parley.core.model.AttemptKind.OIDC_CALLBACK_FAILURE_PER_ADDRESS;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import io.parley.core.port.AuthThrottle.Verdict;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class RedisAuthThrottleTest extends SharedRedisTest {
    private static final String EMAIL = "victim@example.com";

    private String prefix;
    private RedisAdapters node;

    @BeforeEach
    void newNode() {
        prefix = RedisTestSupport.randomPrefix();
        node = new RedisAdapters(client, prefix);
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    /** Requests: 5 per e-mail and 20 per address an hour; failures: 3 per 10 s, then 300 ms lockouts up to 1 s. */
    private static Limits limits() {
        Map<AttemptKind, Limit> byKind = new EnumMap<>(AttemptKind.class);
        for (AttemptKind kind : AttemptKind.values()) {
            byKind.put(kind, new Limit(3, Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(1)));
        }
        byKind.put(MAGIC_LINK_REQUEST_PER_EMAIL, Limit.perWindow(5, Duration.ofHours(1)));
        byKind.put(MAGIC_LINK_REQUEST_PER_ADDRESS, Limit.perWindow(20, Duration.ofHours(1)));
        byKind.put(AttemptKind.GLOBAL, Limit.perWindow(1000, Duration.ofMinutes(1)));
        return new Limits(byKind, Duration.ofDays(1));
    }

    @Test
    void attemptsPastTheLimitAreRefusedWithTheTimeUntilOneMoreFits() {
        AuthThrottle throttle = node.authThrottle(limits(), ThrottleFallbackListener.NONE);
        StepVerifier.create(Flux.range(0, 6).concatMap(i -> throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, EMAIL)))
                .expectNext(Verdict.ALLOWED, Verdict.ALLOWED, Verdict.ALLOWED, Verdict.ALLOWED, Verdict.ALLOWED)
                .assertNext(refused -> {
                    assertThat(refused.allowed()).isFalse();
                    assertThat(refused.reason()).isEqualTo(Verdict.RATE_LIMITED);
                    assertThat(refused.retryAfterMillis()).isBetween(Duration.ofMinutes(59).toMillis(),
                            Duration.ofHours(1).toMillis());
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, "other@example.com"))
                .expectNext(Verdict.ALLOWED)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void checkCountsNothing() {
        AuthThrottle throttle = node.authThrottle(limits(), ThrottleFallbackListener.NONE);
        StepVerifier.create(Flux.range(0, 20).concatMap(i -> throttle.check(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.1"))
                        .filter(Verdict::allowed))
                .expectNextCount(20)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(Flux.range(0, 3).concatMap(i -> throttle.failure(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.1"))
                        .map(Verdict::reason))
                .expectNext(Verdict.OK, Verdict.OK, Verdict.LOCKOUT_STARTED)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void failuresReachingTheLimitLockOutForDoublingLengthsUpToTheCap() {
        AuthThrottle throttle = node.authThrottle(limits(), ThrottleFallbackListener.NONE);
        String address = "198.51.100.7";
        for (long expected : new long[] {300, 600, 1000, 1000}) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> throttle.check(OIDC_CALLBACK_FAILURE_PER_ADDRESS, address).block(TIMEOUT).allowed());
            StepVerifier.create(Flux.range(0, 3).concatMap(i -> throttle.failure(OIDC_CALLBACK_FAILURE_PER_ADDRESS, address)))
                    .expectNext(Verdict.ALLOWED, Verdict.ALLOWED, Verdict.refused(expected, Verdict.LOCKOUT_STARTED))
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(throttle.check(OIDC_CALLBACK_FAILURE_PER_ADDRESS, address))
                    .assertNext(locked -> {
                        assertThat(locked.reason()).isEqualTo(Verdict.LOCKED_OUT);
                        assertThat(locked.retryAfterMillis()).isPositive().isLessThanOrEqualTo(expected);
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }
        // other kinds and other addresses are not locked out
        assertThat(throttle.check(API_KEY_FAILURE_PER_ADDRESS, address).block(TIMEOUT)).isEqualTo(Verdict.ALLOWED);
        assertThat(throttle.check(OIDC_CALLBACK_FAILURE_PER_ADDRESS, "198.51.100.8").block(TIMEOUT))
                .isEqualTo(Verdict.ALLOWED);
    }

    @Test
    void twoHundredMagicLinkRequestsForOneEmailFromFiftyAddressesSendAtMostTheLimit() {
        AuthThrottle throttle = node.authThrottle(limits(), ThrottleFallbackListener.NONE);
        // the same mailbox spelled differently counts as one
        List<String> spellings = List.of(EMAIL, "Victim@Example.COM", " victim@example.com");
        StepVerifier.create(Flux.range(0, 200)
                        .flatMap(i -> throttle.attempt(MAGIC_LINK_REQUEST_PER_ADDRESS, "203.0.113." + (i % 50))
                                .filter(Verdict::allowed)
                                .flatMap(perAddress -> throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL,
                                        spellings.get(i % spellings.size())))
                                .filter(Verdict::allowed), 32)
                        .count())
                .expectNext(5L)
                .expectComplete()
                .verify(TIMEOUT);
        // every address was heard four times, under its limit of 20: the per-e-mail limit did the refusing
        assertThat(throttle.attempt(MAGIC_LINK_REQUEST_PER_ADDRESS, "203.0.113.1").block(TIMEOUT).allowed()).isTrue();
    }

    @Test
    void keysShareOneHashTagPerSubjectAndHoldNoEmailAddress() {
        AuthThrottle throttle = node.authThrottle(limits(), ThrottleFallbackListener.NONE);
        for (int i = 0; i < 3; i++) {
            throttle.failure(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.9").block(TIMEOUT);
        }
        throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, EMAIL).block(TIMEOUT);

        List<String> keys = admin.keys(prefix + "*");
        assertThat(keys).hasSize(3).noneMatch(key -> key.contains("@") || key.contains("example"));
        assertThat(keys).filteredOn(key -> key.startsWith(prefix + "{auth:api_key_failure_per_address:"))
                .extracting(key -> key.substring(key.lastIndexOf('}')))
                .containsExactlyInAnyOrder("}:lock", "}:n");
        assertThat(keys).filteredOn(key -> key.startsWith(prefix + "{auth:magic_link_request_per_email:"))
                .singleElement().satisfies(key -> assertThat(key).endsWith("}:w"));
    }

    @Test
    void twoNodesSharingOneRedisHoldTheLimitInTotal() {
        RedisClient otherClient = RedisTestSupport.client();
        try (RedisAdapters otherNode = new RedisAdapters(otherClient, prefix)) {
            List<AuthThrottle> nodes = List.of(node.authThrottle(limits(), ThrottleFallbackListener.NONE),
                    otherNode.authThrottle(limits(), ThrottleFallbackListener.NONE));

            // 100 concurrent requests spread over both nodes: 20 per address in total, not per node
            StepVerifier.create(Flux.range(0, 100)
                            .flatMap(i -> nodes.get(i % 2).attempt(MAGIC_LINK_REQUEST_PER_ADDRESS, "203.0.113.200"), 16)
                            .filter(Verdict::allowed)
                            .count())
                    .expectNext(20L)
                    .expectComplete()
                    .verify(TIMEOUT);

            // brute force alternating between the nodes: 3 tries in total, then both refuse
            AtomicInteger tries = new AtomicInteger();
            StepVerifier.create(Flux.range(0, 20)
                            .concatMap(i -> nodes.get(i % 2).check(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.66")
                                    .filter(Verdict::allowed)
                                    .doOnNext(allowed -> tries.incrementAndGet())
                                    .flatMap(allowed -> nodes.get(i % 2).failure(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.66")))
                            .map(Verdict::reason))
                    .expectNext(Verdict.OK, Verdict.OK, Verdict.LOCKOUT_STARTED)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(tries).hasValue(3);
            for (AuthThrottle each : nodes) {
                assertThat(each.check(API_KEY_FAILURE_PER_ADDRESS, "192.0.2.66").block(TIMEOUT).reason())
                        .isEqualTo(Verdict.LOCKED_OUT);
            }
        } finally {
            otherClient.shutdown();
        }
    }

    @Test
    void redisStoppedMidAttackStillLimitsOnEachNodeAndRecovers() {
        CountingListener listener = new CountingListener();
        CircuitBreakerConfig breaker = CircuitBreakerConfig.from(RedisAuthThrottle.BREAKER)
                .waitDurationInOpenState(Duration.ofSeconds(2)).build();
        try (PrivateRedis redis = PrivateRedis.start()) {
            RedisClient privateClient = redis.client();
            try (RedisAdapters privateNode = new RedisAdapters(privateClient, prefix)) {
                RedisAuthThrottle throttle = privateNode.authThrottle(limits(), listener, breaker);
                StepVerifier.create(Flux.range(0, 4).concatMap(i -> throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, EMAIL)))
                        .expectNextCount(4)
                        .expectComplete()
                        .verify(TIMEOUT);
                assertThat(listener.started).hasValue(0);

                redis.stop();

                // 40 more requests: the local fallback starts from zero under the same limit of 5, never allows all
                StepVerifier.create(Flux.range(0, 40)
                                .concatMap(i -> throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, EMAIL))
                                .filter(Verdict::allowed)
                                .count())
                        .expectNext(5L)
                        .expectComplete()
                        .verify(Duration.ofSeconds(30));
                assertThat(listener.started).hasValue(1);
                assertThat(listener.local.get()).isGreaterThanOrEqualTo(40);

                // the breaker is open: a dead Redis is not waited for, so 200 decisions take no 200 timeouts
                StepVerifier.create(Flux.range(0, 200)
                                .concatMap(i -> throttle.attempt(MAGIC_LINK_REQUEST_PER_ADDRESS, "192.0.2." + (i % 5)))
                                .filter(Verdict::allowed)
                                .count())
                        .expectNext(5 * 20L)
                        .expectComplete()
                        .verify(Duration.ofSeconds(5));

                redis.startAgain();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> throttle.check(OIDC_CALLBACK_FAILURE_PER_ADDRESS, "192.0.2.1").block(TIMEOUT) != null
                                && listener.ended.get() == 1);
                int localBefore = listener.local.get();
                assertThat(throttle.attempt(MAGIC_LINK_REQUEST_PER_EMAIL, "fresh@example.com").block(TIMEOUT))
                        .isEqualTo(Verdict.ALLOWED);
                assertThat(listener.local).hasValue(localBefore);
                try (StatefulRedisConnection<String, String> privateAdmin = privateClient.connect()) {
                    assertThat(privateAdmin.sync().zcard(
                            throttle.tag(MAGIC_LINK_REQUEST_PER_EMAIL, "fresh@example.com") + ":w")).isEqualTo(1);
                }
            } finally {
                privateClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void whenRedisIsUnreachableFromTheStartEveryDecisionIsLocalAndStillLimited() {
        RedisClient unreachable = RedisTestSupport.unreachableClient();
        CountingListener listener = new CountingListener();
        try (RedisAdapters down = new RedisAdapters(unreachable, prefix)) {
            AuthThrottle throttle = down.authThrottle(limits(), listener);
            StepVerifier.create(Flux.range(0, 4).concatMap(i -> throttle.failure(AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS, "x")))
                    .expectNext(Verdict.ALLOWED, Verdict.ALLOWED, Verdict.refused(300, Verdict.LOCKOUT_STARTED))
                    .assertNext(locked -> assertThat(locked.reason()).isEqualTo(Verdict.LOCKED_OUT))
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));
            assertThat(listener.started).hasValue(1);
            assertThat(listener.local).hasValue(4);
        } finally {
            unreachable.shutdown();
        }
    }

    @Test
    void theScriptAnswerDecodesIntoVerdicts() {
        assertThat(RedisAuthThrottle.verdict(0)).isEqualTo(Verdict.ALLOWED);
        assertThat(RedisAuthThrottle.verdict(1234 * 4 + 1)).isEqualTo(new Verdict(false, 1234, Verdict.RATE_LIMITED));
        assertThat(RedisAuthThrottle.verdict(99 * 4 + 2)).isEqualTo(new Verdict(false, 99, Verdict.LOCKED_OUT));
        assertThat(RedisAuthThrottle.verdict(86_400_000L * 4 + 3))
                .isEqualTo(new Verdict(false, 86_400_000L, Verdict.LOCKOUT_STARTED));
    }

    private static final class CountingListener implements ThrottleFallbackListener {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final AtomicInteger local = new AtomicInteger();

        @Override
        public void fallbackStarted(Throwable cause) {
            started.incrementAndGet();
        }

        @Override
        public void fallbackEnded() {
            ended.incrementAndGet();
        }

        @Override
        public void decidedLocally(AttemptKind kind) {
            local.incrementAndGet();
        }
    }
}
