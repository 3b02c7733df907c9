package io.parley.gateway.ops;

import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * Health of what the gateway depends on, for the readiness probe: a node that cannot reach
 * PostgreSQL or Redis should get no new visitors, though it stays alive (liveness ignores both).
 */
@Configuration(proxyBeanMethods = false)
public class DependencyHealth {
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Bean
    ReactiveHealthIndicator databaseHealthIndicator(PostgresAdapters postgres) {
        return answers(postgres::ping);
    }

    @Bean
    ReactiveHealthIndicator redisHealthIndicator(RedisAdapters redis) {
        return answers(redis::ping);
    }

    static ReactiveHealthIndicator answers(Supplier<Mono<Void>> ping) {
        return () -> Mono.defer(ping)
                .timeout(TIMEOUT)
                .then(Mono.fromSupplier(() -> Health.up().build()))
                .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
    }
}
