package io.parley.persistence.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.persistence.redis.LocalAuthThrottle.Op;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One EVALSHA of auth-throttle.lua per decision, shared by every node through Redis. Keys, all three
 * under one hash tag per subject: {@code <p>{auth:<kind>:<subject hash>}:w|:lock|:n} (see the script).
 * Subjects (e-mail addresses, client addresses) are stored as a SHA-256 prefix: no personal data in keys.
 */
final class RedisAuthThrottle implements AuthThrottle {
    private static final Logger log = LoggerFactory.getLogger(RedisAuthThrottle.class);
    static final RedisScript SCRIPT = RedisScript.named("auth-throttle.lua");
    static final CircuitBreakerConfig BREAKER = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();

    private final LazyConnection<StatefulRedisConnection<String, String>> redis;
    private final String prefix;
    private final Map<AttemptKind, Map<Op, String[]>> scriptArgs = new EnumMap<>(AttemptKind.class);
    private final LocalAuthThrottle local;
    private final CircuitBreaker breaker;
    private final ThrottleFallbackListener listener;
    private final AtomicBoolean degraded = new AtomicBoolean();

    RedisAuthThrottle(LazyConnection<StatefulRedisConnection<String, String>> redis, RedisKeys keys, Limits limits,
                      ThrottleFallbackListener listener, CircuitBreakerConfig breakerConfig) {
        this.redis = redis;
        this.prefix = keys.prefix();
        this.local = new LocalAuthThrottle(limits, System::nanoTime);
        this.listener = listener;
        this.breaker = CircuitBreaker.of("auth-throttle:" + keys.prefix(), breakerConfig);
        this.breaker.getEventPublisher().onStateTransition(event ->
                log.info("auth throttle circuit breaker: {}", event.getStateTransition()));
        String memory = Long.toString(limits.lockoutMemory().toMillis());
        for (AttemptKind kind : AttemptKind.values()) {
            Limit limit = limits.of(kind);
            Map<Op, String[]> byOp = new EnumMap<>(Op.class);
            for (Op op : Op.values()) {
                byOp.put(op, new String[] {op.name().toLowerCase(Locale.ROOT), Integer.toString(limit.permits()),
                        Long.toString(limit.window().toMillis()), Long.toString(limit.lockout().toMillis()),
                        Long.toString(limit.maxLockout().toMillis()), memory});
            }
            scriptArgs.put(kind, byOp);
        }
    }

    @Override
    public Mono<Verdict> attempt(AttemptKind kind, String subject) {
        return decide(Op.ATTEMPT, kind, subject);
    }

    @Override
    public Mono<Verdict> check(AttemptKind kind, String subject) {
        return decide(Op.CHECK, kind, subject);
    }

    @Override
    public Mono<Verdict> failure(AttemptKind kind, String subject) {
        return decide(Op.FAILURE, kind, subject);
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    private Mono<Verdict> decide(Op op, AttemptKind kind, String subject) {
        String tag = tag(kind, subject);
        String[] keys = {tag + ":w", tag + ":lock", tag + ":n"};
        return redis.get()
                .flatMap(connection -> SCRIPT.run(connection.reactive(), keys, scriptArgs.get(kind).get(op)))
                .timeout(RedisRateLimiter.REDIS_TIMEOUT)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .map(RedisAuthThrottle::verdict)
                .doOnNext(verdict -> {
                    if (degraded.compareAndSet(true, false)) {
                        log.info("Redis answers again: auth throttles are shared by all nodes again");
                        listener.fallbackEnded();
                    }
                })
                // Fail CLOSED: Redis failed, took over 500 ms, or the breaker is open (so a dead Redis is not
                // hammered): decide with this node's own counts under the same limits; never allow all, never error.
                .onErrorResume(failure -> Mono.fromSupplier(() -> {
                    if (degraded.compareAndSet(false, true)) {
                        log.warn("Redis auth throttling failed, throttling per node until it answers again: {}",
                                failure.toString());
                        listener.fallbackStarted(failure);
                    }
                    listener.decidedLocally(kind);
                    return local.decide(op, kind, tag);
                }));
    }

    /** Decodes the script's {@code wait * 4 + reason}. */
    static Verdict verdict(long encoded) {
        long waitMillis = encoded >> 2;
        return switch ((int) (encoded & 3)) {
            case 0 -> Verdict.ALLOWED;
            case 1 -> Verdict.refused(waitMillis, Verdict.RATE_LIMITED);
            case 2 -> Verdict.refused(waitMillis, Verdict.LOCKED_OUT);
            default -> Verdict.refused(waitMillis, Verdict.LOCKOUT_STARTED);
        };
    }

    /** The hash tag shared by one subject's keys; the subject itself is hashed (no e-mails in Redis keys). */
    String tag(AttemptKind kind, String subject) {
        String id = kind == AttemptKind.GLOBAL ? "all" : hash(subject.strip().toLowerCase(Locale.ROOT));
        return prefix + "{auth:" + kind.tag() + ":" + id + "}";
    }

    private static String hash(String subject) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
