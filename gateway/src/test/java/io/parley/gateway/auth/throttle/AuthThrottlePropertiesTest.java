package io.parley.gateway.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AuthThrottlePropertiesTest {

    private static AuthThrottleProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("parley.auth.throttle", AuthThrottleProperties.class);
    }

    @Test
    void everyKindHasASafeDefault() {
        Limits limits = bind(Map.of()).limits();
        assertThat(limits.of(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL)).isEqualTo(Limit.perWindow(5, Duration.ofHours(1)));
        assertThat(limits.of(AttemptKind.MAGIC_LINK_REQUEST_PER_ADDRESS)).isEqualTo(Limit.perWindow(20, Duration.ofHours(1)));
        assertThat(limits.of(AttemptKind.GLOBAL)).isEqualTo(Limit.perWindow(1000, Duration.ofMinutes(1)));
        for (AttemptKind kind : AttemptKind.values()) {
            if (kind.countsFailures()) {
                assertThat(limits.of(kind)).as(kind.name())
                        .isEqualTo(new Limit(10, Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofHours(24)));
            }
        }
        assertThat(limits.lockoutMemory()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void eachLimitCanBeSetAlone() {
        Limits limits = bind(Map.of(
                "parley.auth.throttle.api-key-failures.permits", "50",
                "parley.auth.throttle.api-key-failures.lockout", "1m",
                "parley.auth.throttle.magic-link-requests.per-email", "3")).limits();
        assertThat(limits.of(AttemptKind.API_KEY_FAILURE_PER_ADDRESS))
                .isEqualTo(new Limit(50, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(24)));
        assertThat(limits.of(AttemptKind.OIDC_CALLBACK_FAILURE_PER_ADDRESS).permits()).isEqualTo(10);
        assertThat(limits.of(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL).permits()).isEqualTo(3);
    }

    @Test
    void trustedProxiesDefaultToNone() {
        TrustedProxiesProperties none = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("parley.auth", TrustedProxiesProperties.class);
        assertThat(none.trustedProxies()).isEmpty();
        TrustedProxiesProperties two = new Binder(new MapConfigurationPropertySource(
                Map.of("parley.auth.trusted-proxies", "10.0.0.0/8, 192.0.2.1")))
                .bindOrCreate("parley.auth", TrustedProxiesProperties.class);
        assertThat(two.trustedProxies()).containsExactly("10.0.0.0/8", "192.0.2.1");
    }
}
