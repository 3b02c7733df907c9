package io.parley.gateway.auth.apikey;

import io.parley.core.port.ApiKeys;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Clock;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API-key port (PostgreSQL), the pepper, and the filter that accepts keys. */
@Configuration(proxyBeanMethods = false)
public class ApiKeyWiring {

    @Bean
    ApiKeys apiKeys(PostgresAdapters postgres) {
        return postgres.apiKeys();
    }

    @Bean
    ApiKeySecrets apiKeySecrets(ApiKeyProperties properties) {
        return ApiKeySecrets.load(properties.apiKeyPepperFile());
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(ApiKeys apiKeys, ApiKeySecrets secrets,
                                                          AuthThrottle throttle, ClientAddresses addresses, Clock clock) {
        return new ApiKeyAuthenticator(apiKeys, secrets, throttle, addresses, clock);
    }
}
