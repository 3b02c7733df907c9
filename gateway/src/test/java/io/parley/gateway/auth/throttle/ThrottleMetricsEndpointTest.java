package io.parley.gateway.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.AuthThrottle.Verdict;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestClients;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

class ThrottleMetricsEndpointTest extends GatewayIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Autowired
    AuthThrottle throttle;

    @Test
    void throttleDecisionsAreOnThePrometheusEndpoint() {
        String address = "192.0.2." + Math.floorMod(UUID.randomUUID().hashCode(), 250);
        String subject = "metrics-" + UUID.randomUUID() + "@example.com";
        String allowed = "parley_auth_attempts_total{kind=\"magic_link_request_per_email\",outcome=\"allowed\"}";
        String limited = "parley_auth_attempts_total{kind=\"magic_link_request_per_email\",outcome=\"rate_limited\"}";
        String throttled = "parley_auth_throttled_total{kind=\"magic_link_request_per_email\"}";
        String failed = "parley_auth_attempts_total{kind=\"agent_hello_failure_per_address\",outcome=\"failed\"}";
        String before = scrape();

        for (int i = 0; i < 6; i++) {
            throttle.attempt(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL, subject).block(TIMEOUT);
        }
        Verdict last = throttle.failure(AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS, address + "-" + UUID.randomUUID())
                .block(TIMEOUT);
        assertThat(last.allowed()).isTrue();
        String after = scrape();

        // other tests share this context and its counters: compare increments
        assertThat(value(after, allowed) - value(before, allowed)).isEqualTo(5);
        assertThat(value(after, limited) - value(before, limited)).isEqualTo(1);
        assertThat(value(after, throttled) - value(before, throttled)).isEqualTo(1);
        assertThat(value(after, failed) - value(before, failed)).isEqualTo(1);
        assertThat(after)
                .contains("parley_auth_lockouts_total{kind=\"api_key_failure_per_address\"}")
                .contains("parley_auth_throttle_fallback_total{kind=\"global\"}")
                .contains("parley_auth_throttle_fallback_active 0.0");
    }

    private String scrape() {
        return TestClients.http(managementPort).get().uri("/actuator/prometheus")
                .responseSingle((response, content) -> {
                    assertThat(response.status().code()).isEqualTo(200);
                    return content.asString();
                }).block(TIMEOUT);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElse(0.0);
    }
}
