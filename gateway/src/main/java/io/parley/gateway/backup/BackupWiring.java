package io.parley.gateway.backup;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.engine.RandomIds;
import io.parley.core.port.Clock;
import io.parley.gateway.config.DatabaseProperties;
import io.parley.persistence.redis.RedisAdapters;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.support.CronExpression;

/** The in-app backup schedule, only when {@code parley.backup.schedule} is not {@code -}. */
@Configuration(proxyBeanMethods = false)
public class BackupWiring {

    @Bean
    @ConditionalOnExpression("'${parley.backup.schedule:-}'.trim() != '-'")
    BackupSchedule backupSchedule(BackupProperties backup, DatabaseProperties database, RedisAdapters redis, Clock clock,
                                  MeterRegistry meters) {
        // a missing or unreadable keyset, or a missing directory, stops the start-up here, naming it
        Backups backups = Backups.configured(backup, database, clock);
        return new BackupSchedule(backups, CronExpression.parse(backup.schedule().strip()), redis.jobClaims(),
                backup.claimTtl(), RandomIds.nodeId(), clock, meters);
    }
}
