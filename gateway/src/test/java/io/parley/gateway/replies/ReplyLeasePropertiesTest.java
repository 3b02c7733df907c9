package io.parley.gateway.replies;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.config.WebSocketProperties;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Settings that would break the 10 s promise or Spring's shutdown phase are refused at start-up. */
class ReplyLeasePropertiesTest {
    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private Set<String> problems(Object properties) {
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
    }

    private static ReplyLeaseProperties leases(long leaseMs, long renewMs, long sweepMs, long claimMs) {
        return new ReplyLeaseProperties(Duration.ofMillis(leaseMs), Duration.ofMillis(renewMs),
                Duration.ofMillis(sweepMs), Duration.ofMillis(claimMs));
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(problems(leases(3_000, 1_000, 1_000, 30_000))).isEmpty();
    }

    @Test
    void aLeaseRenewedNoMoreOftenThanItLastsIsRefused() {
        assertThat(problems(leases(3_000, 3_000, 1_000, 30_000)))
                .containsExactly("renew-every must be positive and shorter than lease-ttl");
    }

    @Test
    void aLeaseAndSweepLongerThanTheTenSecondPromiseAllowsAreRefused() {
        assertThat(problems(leases(7_500, 1_000, 1_000, 30_000)))
                .containsExactly("lease-ttl + sweep-every must stay within 8 s (a dead node's reply is ended within 10 s)");
    }

    @Test
    void aClaimShorterThanTheLeaseIsRefused() {
        assertThat(problems(leases(3_000, 1_000, 1_000, 2_000))).containsExactly("claim-ttl must be at least lease-ttl");
    }

    @Test
    void aDrainDeadlineBeyondTwentySecondsIsRefused() {
        WebSocketProperties tooLong = new WebSocketProperties(Duration.ofSeconds(25), Duration.ofSeconds(10), 16_384,
                4_000, 1_048_576, 10, Duration.ofSeconds(21));
        WebSocketProperties ok = new WebSocketProperties(Duration.ofSeconds(25), Duration.ofSeconds(10), 16_384,
                4_000, 1_048_576, 10, Duration.ZERO);

        assertThat(validator.validate(tooLong)).singleElement()
                .satisfies(v -> assertThat(v.getPropertyPath().toString()).isEqualTo("drainDeadline"));
        assertThat(validator.validate(ok)).isEmpty();
    }
}
