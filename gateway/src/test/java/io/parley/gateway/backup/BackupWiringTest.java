package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.port.Clock;
import io.parley.gateway.config.DatabaseProperties;
import io.parley.persistence.redis.RedisAdapters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The schedule is there only when configured, and a configured one without its secret stops the start. */
class BackupWiringTest {

    @TempDir
    Path temp;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DatabaseProperties.class, BackupProperties.class})
    static class Node {
        @Bean(destroyMethod = "shutdown")
        RedisClient redisClient() {
            return RedisClient.create(RedisURI.create(System.getenv().getOrDefault("PARLEY_REDIS_HOST", "127.0.0.1"),
                    Integer.parseInt(System.getenv().getOrDefault("PARLEY_REDIS_PORT", "6379"))));
        }

        @Bean(destroyMethod = "close")
        RedisAdapters redisAdapters(RedisClient client) {
            return new RedisAdapters(client, "parley:test:wiring:");
        }

        @Bean
        Clock clock() {
            return Clock.system();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Node.class, BackupWiring.class);

    @Test
    void withoutAScheduleThereIsNoneAndNoKeysetIsNeeded() {
        runner.withPropertyValues("parley.backup.directory=", "parley.backup.keyset-file=")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(BackupSchedule.class);
                    assertThat(context.getBean(BackupProperties.class).scheduled()).isFalse();
                });
    }

    @Test
    void aScheduleWithItsDirectoryAndKeysetRunsAndPublishesItsMeters() {
        Path keyset = temp.resolve("keyset.json");
        BackupKeyset.create(keyset);
        runner.withPropertyValues("parley.backup.schedule=0 0 3 * * *", "parley.backup.directory=" + temp.resolve("b"),
                        "parley.backup.keyset-file=" + keyset)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BackupSchedule.class);
                    assertThat(context.getBean(BackupSchedule.class).isRunning()).isTrue();
                    assertThat(context.getBean(MeterRegistry.class).get("parley.backup.runs").counters()).hasSize(3);
                });
    }

    @Test
    void aScheduleWhoseKeysetFileIsMissingStopsTheStartNamingIt() {
        runner.withPropertyValues("parley.backup.schedule=0 0 3 * * *", "parley.backup.directory=" + temp.resolve("b"),
                        "parley.backup.keyset-file=" + temp.resolve("missing.json"))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("missing.json"));
        runner.withPropertyValues("parley.backup.schedule=0 0 3 * * *", "parley.backup.directory=" + temp.resolve("b"))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("a schedule needs directory (PARLEY_BACKUP_DIR) and keyset-file"));
        // as in application-prod.yml with PARLEY_BACKUP_DIR unset: Spring keeps the placeholder as text
        runner.withPropertyValues("parley.backup.schedule=0 0 3 * * *", "parley.backup.directory=${PARLEY_BACKUP_DIR_NOT_SET}",
                        "parley.backup.keyset-file=" + temp.resolve("k.json"))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("a schedule needs directory (PARLEY_BACKUP_DIR) and keyset-file"));
    }

    @Test
    void aScheduleThatIsNoCronExpressionIsRefused() {
        runner.withPropertyValues("parley.backup.schedule=every night", "parley.backup.directory=" + temp.resolve("b"),
                        "parley.backup.keyset-file=" + temp.resolve("k.json"))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("schedule must be - (off) or a Spring cron expression"));
    }
}
