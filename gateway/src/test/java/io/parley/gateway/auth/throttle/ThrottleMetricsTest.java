package io.parley.gateway.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.core.testing.InMemoryAuthThrottle;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottleMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ThrottleMetrics metrics = new ThrottleMetrics(registry);
    private final AuthThrottle throttle = metrics.metered(new InMemoryAuthThrottle(
            InMemoryAuthThrottle.limits(2, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1))));

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void countsAttemptsByOutcomeRefusalsAndLockouts() {
        AttemptKind kind = AttemptKind.API_KEY_FAILURE_PER_ADDRESS;
        throttle.check(kind, "ip").block(Duration.ofSeconds(1));
        throttle.failure(kind, "ip").block(Duration.ofSeconds(1));
        throttle.failure(kind, "ip").block(Duration.ofSeconds(1));
        throttle.check(kind, "ip").block(Duration.ofSeconds(1));

        assertThat(count("parley.auth.attempts", "kind", "api_key_failure_per_address", "outcome", "allowed")).isEqualTo(1);
        assertThat(count("parley.auth.attempts", "kind", "api_key_failure_per_address", "outcome", "failed")).isEqualTo(2);
        assertThat(count("parley.auth.attempts", "kind", "api_key_failure_per_address", "outcome", "locked_out")).isEqualTo(1);
        assertThat(count("parley.auth.throttled", "kind", "api_key_failure_per_address")).isEqualTo(1);
        assertThat(count("parley.auth.lockouts", "kind", "api_key_failure_per_address")).isEqualTo(1);
        assertThat(count("parley.auth.throttled", "kind", "global")).isZero();
    }

    @Test
    void theFallbackGaugeFollowsRedisAndLocalDecisionsAreCounted() {
        assertThat(registry.get("parley.auth.throttle.fallback.active").gauge().value()).isZero();
        metrics.fallbackStarted(new IllegalStateException("Redis down"));
        metrics.decidedLocally(AttemptKind.GLOBAL);
        assertThat(registry.get("parley.auth.throttle.fallback.active").gauge().value()).isEqualTo(1);
        assertThat(count("parley.auth.throttle.fallback", "kind", "global")).isEqualTo(1);
        metrics.fallbackEnded();
        assertThat(registry.get("parley.auth.throttle.fallback.active").gauge().value()).isZero();
    }
}
