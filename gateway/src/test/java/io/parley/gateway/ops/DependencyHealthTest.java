package io.parley.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestClients;
import io.parley.persistence.redis.RedisAdapters;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalManagementPort;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class DependencyHealthTest extends GatewayIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void readinessIsUpWhenPostgresAndRedisAnswer() {
        String body = TestClients.http(managementPort).get().uri("/actuator/health/readiness")
                .responseSingle((response, content) -> {
                    assertThat(response.status().code()).isEqualTo(200);
                    return content.asString();
                }).block(TIMEOUT);
        assertThat(body).contains("\"status\":\"UP\"");
    }

    @Test
    void anUnreachableRedisIsReportedDown() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:1");
        try (RedisAdapters unreachable = new RedisAdapters(client, "parley:test:health:")) {
            StepVerifier.create(DependencyHealth.answers(unreachable::ping).health())
                    .assertNext(health -> assertThat(health.getStatus()).isEqualTo(Status.DOWN))
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aDependencyThatNeverAnswersIsReportedDownAfterTheTimeout() {
        StepVerifier.create(DependencyHealth.answers(Mono::never).health())
                .assertNext(health -> assertThat(health.getStatus()).isEqualTo(Status.DOWN))
                .expectComplete()
                .verify(DependencyHealth.TIMEOUT.plusSeconds(5));
    }
}
