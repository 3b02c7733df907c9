package io.parley.gateway.api.visitors;

import io.parley.core.port.VisitorRecords;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The visitor administration port (PostgreSQL). */
@Configuration(proxyBeanMethods = false)
public class VisitorsWiring {

    @Bean
    VisitorRecords visitorRecords(PostgresAdapters postgres) {
        return postgres.visitorRecords();
    }
}
