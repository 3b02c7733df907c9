package io.parley.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class UpstreamPropertiesTest {
    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bind.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(UpstreamProperties.class)
    static class Bind {
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        context.run(started -> assertThat(started.getBean(UpstreamProperties.class))
                .isEqualTo(UpstreamProperties.defaults())
                .satisfies(p -> {
                    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(p.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(p.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
                    assertThat(p.maxConcurrentStreams()).isEqualTo(200);
                    assertThat(p.retries()).isEqualTo(2);
                    assertThat(p.settingsCacheExpiry()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(p.settingsCacheMaxBots()).isEqualTo(10_000);
                }));
    }

    @Test
    void invalidValuesStopTheStartWithThePropertyNamed() {
        context.withPropertyValues("parley.upstream.first-token-timeout=0s", "parley.upstream.max-concurrent-streams=0",
                        "parley.upstream.breaker-failure-rate=101", "parley.upstream.settings-cache-expiry=0s",
                        "parley.upstream.settings-cache-max-bots=0")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("firstTokenTimeout")
                        .hasMessageContaining("maxConcurrentStreams")
                        .hasMessageContaining("breakerFailureRate")
                        .hasMessageContaining("settingsCacheExpiry")
                        .hasMessageContaining("settingsCacheMaxBots"));
    }
}
