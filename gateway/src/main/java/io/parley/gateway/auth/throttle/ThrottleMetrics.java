package io.parley.gateway.auth.throttle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.AuthThrottle.Verdict;
import io.parley.persistence.redis.ThrottleFallbackListener;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * The throttle's meters: {@code parley.auth.attempts{kind,outcome}} (outcome: allowed, rate_limited,
 * locked_out, lockout_started for attempts and checks; failed for reported failures),
 * {@code parley.auth.throttled{kind}} (attempts and checks refused), {@code parley.auth.lockouts{kind}},
 * {@code parley.auth.throttle.fallback{kind}} (decisions made on this node alone because Redis failed) and
 * the gauge {@code parley.auth.throttle.fallback.active} (1 while Redis fails).
 */
public final class ThrottleMetrics implements ThrottleFallbackListener {
    static final String FAILED = "failed";
    static final String ALLOWED = "allowed";
    private static final List<String> OUTCOMES = List.of(ALLOWED, Verdict.RATE_LIMITED, Verdict.LOCKED_OUT,
            Verdict.LOCKOUT_STARTED, FAILED);

    private final Map<AttemptKind, Map<String, Counter>> attempts = new EnumMap<>(AttemptKind.class);
    private final Map<AttemptKind, Counter> throttled = new EnumMap<>(AttemptKind.class);
    private final Map<AttemptKind, Counter> lockouts = new EnumMap<>(AttemptKind.class);
    private final Map<AttemptKind, Counter> fallbackDecisions = new EnumMap<>(AttemptKind.class);
    private final AtomicInteger fallbackActive = new AtomicInteger();

    public ThrottleMetrics(MeterRegistry registry) {
        for (AttemptKind kind : AttemptKind.values()) {
            Map<String, Counter> byOutcome = new HashMap<>();
            for (String outcome : OUTCOMES) {
                byOutcome.put(outcome, Counter.builder("parley.auth.attempts")
                        .description("Auth attempts seen by the throttle, by kind and outcome")
                        .tags("kind", kind.tag(), "outcome", outcome).register(registry));
            }
            attempts.put(kind, byOutcome);
            throttled.put(kind, Counter.builder("parley.auth.throttled")
                    .description("Auth attempts refused by the throttle (429)")
                    .tag("kind", kind.tag()).register(registry));
            lockouts.put(kind, Counter.builder("parley.auth.lockouts")
                    .description("Lockouts started").tag("kind", kind.tag()).register(registry));
            fallbackDecisions.put(kind, Counter.builder("parley.auth.throttle.fallback")
                    .description("Throttle decisions made on this node alone because Redis failed")
                    .tag("kind", kind.tag()).register(registry));
        }
        Gauge.builder("parley.auth.throttle.fallback.active", fallbackActive, AtomicInteger::get)
                .description("1 while the throttle decides per node because Redis fails, else 0")
                .register(registry);
    }

    /** {@code throttle}, counting every verdict it gives. */
    public AuthThrottle metered(AuthThrottle throttle) {
        return new AuthThrottle() {
            @Override
            public Mono<Verdict> attempt(AttemptKind kind, String subject) {
                return throttle.attempt(kind, subject).doOnNext(verdict -> tried(kind, verdict));
            }

            @Override
            public Mono<Verdict> check(AttemptKind kind, String subject) {
                return throttle.check(kind, subject).doOnNext(verdict -> tried(kind, verdict));
            }

            @Override
            public Mono<Verdict> failure(AttemptKind kind, String subject) {
                return throttle.failure(kind, subject).doOnNext(verdict -> failed(kind, verdict));
            }
        };
    }

    private void tried(AttemptKind kind, Verdict verdict) {
        attempts.get(kind).get(verdict.allowed() ? ALLOWED : verdict.reason()).increment();
        if (!verdict.allowed()) {
            throttled.get(kind).increment();
        }
        if (Verdict.LOCKOUT_STARTED.equals(verdict.reason())) {
            lockouts.get(kind).increment();
        }
    }

    private void failed(AttemptKind kind, Verdict verdict) {
        attempts.get(kind).get(FAILED).increment();
        if (Verdict.LOCKOUT_STARTED.equals(verdict.reason())) {
            lockouts.get(kind).increment();
        }
    }

    @Override
    public void fallbackStarted(Throwable cause) {
        fallbackActive.set(1);
    }

    @Override
    public void fallbackEnded() {
        fallbackActive.set(0);
    }

    @Override
    public void decidedLocally(AttemptKind kind) {
        fallbackDecisions.get(kind).increment();
    }
}
