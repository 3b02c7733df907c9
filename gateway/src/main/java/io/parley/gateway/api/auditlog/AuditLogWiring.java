package io.parley.gateway.api.auditlog;

import io.parley.core.port.AuditLog;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit-log read port (PostgreSQL). */
@Configuration(proxyBeanMethods = false)
public class AuditLogWiring {

    @Bean
    AuditLog auditLog(PostgresAdapters postgres) {
        return postgres.auditLog();
    }
}
