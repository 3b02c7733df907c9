package io.parley.gateway.auth.throttle;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.port.AuthThrottle;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle.Verdict;
import io.parley.gateway.auth.AuthAudit;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import org.springframework.context.annotation.Configuration;

/** The auth throttle on the shared Redis adapters, metered; and the client-address reader. */
@Configuration(proxyBeanMethods = false)
public class AuthThrottleWiring {

    @Bean
    ThrottleMetrics throttleMetrics(MeterRegistry registry) {
        return new ThrottleMetrics(registry);
    }

    @Bean
    AuthThrottle authThrottle(RedisAdapters redis, AuthThrottleProperties properties, ThrottleMetrics metrics,
                              AuthAudit audit) {
        AuthThrottle metered = metrics.metered(redis.authThrottle(properties.limits(), metrics));
        return new AuthThrottle() {
            @Override
            public Mono<Verdict> attempt(AttemptKind kind, String subject) {
                return metered.attempt(kind, subject);
            }

            @Override
            public Mono<Verdict> check(AttemptKind kind, String subject) {
                return metered.check(kind, subject);
            }

            @Override
            public Mono<Verdict> failure(AttemptKind kind, String subject) {
                return metered.failure(kind, subject).flatMap(verdict -> Verdict.LOCKOUT_STARTED.equals(verdict.reason())
                        ? audit.lockedOut(kind, subject).thenReturn(verdict)
                        : Mono.just(verdict));
            }
        };
    }

    @Bean
    ClientAddresses clientAddresses(TrustedProxiesProperties properties) {
        return new ClientAddresses(properties.trustedProxies());
    }
}
