package io.parley.gateway.api.identity;

import io.parley.core.port.IdentityVerification;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The identity-verification port (PostgreSQL) for the REST API; the engine gets it through its ports. */
@Configuration(proxyBeanMethods = false)
public class IdentityWiring {

    @Bean
    IdentityVerification identityVerification(PostgresAdapters postgres) {
        return postgres.identityVerification();
    }
}
