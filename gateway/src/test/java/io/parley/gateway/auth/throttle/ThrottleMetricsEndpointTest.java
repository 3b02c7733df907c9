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
        String address = "192.0.2." + UUID.randomUUID().hashCode() % 250;
        String subject = "metrics-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 6; i++) {
            throttle.attempt(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL, subject).block(TIMEOUT);
        }
        Verdict last = throttle.failure(AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS, address + "-" + UUID.randomUUID())
                .block(TIMEOUT);
        assertThat(last.allowed()).isTrue();

        String body = TestClients.http(managementPort).get().uri("/actuator/prometheus")
                .responseSingle((response, content) -> {
                    assertThat(response.status().code()).isEqualTo(200);
                    return content.asString();
                }).block(TIMEOUT);

        assertThat(body)
                .containsPattern("parley_auth_attempts_total\\{kind=\"magic_link_request_per_email\",outcome=\"allowed\"} [5-9]")
                .containsPattern("parley_auth_attempts_total\\{kind=\"magic_link_request_per_email\",outcome=\"rate_limited\"} [1-9]")
                .containsPattern("parley_auth_throttled_total\\{kind=\"magic_link_request_per_email\"} [1-9]")
                .containsPattern("parley_auth_attempts_total\\{kind=\"agent_hello_failure_per_address\",outcome=\"failed\"} [1-9]")
                .contains("parley_auth_lockouts_total{kind=\"api_key_failure_per_address\"}")
                .contains("parley_auth_throttle_fallback_total{kind=\"global\"}")
                .contains("parley_auth_throttle_fallback_active 0.0");
    }
}
