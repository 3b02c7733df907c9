package io.parley.gateway.auth.throttle;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.port.AuthThrottle;
import io.parley.persistence.redis.RedisAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auth throttle on the shared Redis adapters, metered; and the client-address reader. */
@Configuration(proxyBeanMethods = false)
public class AuthThrottleWiring {

    @Bean
    ThrottleMetrics throttleMetrics(MeterRegistry registry) {
        return new ThrottleMetrics(registry);
    }

    @Bean
    AuthThrottle authThrottle(RedisAdapters redis, AuthThrottleProperties properties, ThrottleMetrics metrics) {
        return metrics.metered(redis.authThrottle(properties.limits(), metrics));
    }

    @Bean
    ClientAddresses clientAddresses(TrustedProxiesProperties properties) {
        return new ClientAddresses(properties.trustedProxies());
    }
}
