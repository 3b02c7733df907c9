package io.parley.persistence.redis;

import static io.parley.core.model.AttemptKind.API_KEY_FAILURE_PER_ADDRESS;
import static io.parley.core.model.AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL;
import static io.parley.persistence.redis.LocalAuthThrottle.Op.ATTEMPT;
import static io.parley.persistence.redis.LocalAuthThrottle.Op.CHECK;
import static io.parley.persistence.redis.LocalAuthThrottle.Op.FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import io.parley.core.port.AuthThrottle.Verdict;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalAuthThrottleTest {
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    private final LocalAuthThrottle local = new LocalAuthThrottle(limits(), nanos::get);

    private static Limits limits() {
        Map<AttemptKind, Limit> byKind = new EnumMap<>(AttemptKind.class);
        for (AttemptKind kind : AttemptKind.values()) {
            byKind.put(kind, new Limit(2, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(5)));
        }
        byKind.put(MAGIC_LINK_REQUEST_PER_EMAIL, Limit.perWindow(2, Duration.ofSeconds(1)));
        return new Limits(byKind, Duration.ofHours(24));
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void theWindowSlidesWithTheClockAndSaysWhenOneMoreFits() {
        assertThat(local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "e")).isEqualTo(Verdict.ALLOWED);
        advance(Duration.ofMillis(300));
        assertThat(local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "e")).isEqualTo(Verdict.ALLOWED);
        assertThat(local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "e"))
                .isEqualTo(Verdict.refused(700, Verdict.RATE_LIMITED));
        advance(Duration.ofMillis(700));
        assertThat(local.decide(CHECK, MAGIC_LINK_REQUEST_PER_EMAIL, "e")).isEqualTo(Verdict.ALLOWED);
        assertThat(local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "e")).isEqualTo(Verdict.ALLOWED);
        assertThat(local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "e"))
                .isEqualTo(Verdict.refused(300, Verdict.RATE_LIMITED));
    }

    @Test
    void lockoutsDoubleUpToTheCapAndAreForgottenADayAfterTheLast() {
        long[] expectedMinutes = {1, 2, 4, 5, 5};
        for (long minutes : expectedMinutes) {
            assertThat(local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip")).isEqualTo(Verdict.ALLOWED);
            assertThat(local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip"))
                    .isEqualTo(Verdict.refused(Duration.ofMinutes(minutes).toMillis(), Verdict.LOCKOUT_STARTED));
            advance(Duration.ofMinutes(minutes).minusMillis(1));
            assertThat(local.decide(CHECK, API_KEY_FAILURE_PER_ADDRESS, "ip"))
                    .isEqualTo(Verdict.refused(1, Verdict.LOCKED_OUT));
            advance(Duration.ofMillis(1));
            assertThat(local.decide(CHECK, API_KEY_FAILURE_PER_ADDRESS, "ip")).isEqualTo(Verdict.ALLOWED);
        }
        advance(Duration.ofHours(24));
        local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip");
        assertThat(local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip"))
                .isEqualTo(Verdict.refused(Duration.ofMinutes(1).toMillis(), Verdict.LOCKOUT_STARTED));
    }

    @Test
    void idleSubjectsAreForgottenButRememberedLockoutsAreKept() {
        local.decide(ATTEMPT, MAGIC_LINK_REQUEST_PER_EMAIL, "idle");
        local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip");
        local.decide(FAILURE, API_KEY_FAILURE_PER_ADDRESS, "ip");
        advance(Duration.ofMinutes(2));
        local.decide(CHECK, MAGIC_LINK_REQUEST_PER_EMAIL, "new");
        assertThat(local.trackedSubjects()).isEqualTo(2);
    }
}
