package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.port.Clock;
import io.parley.persistence.redis.RedisAdapters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.support.CronExpression;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Two nodes with the same schedule and the real Redis and PostgreSQL: each slot is backed up once. */
class BackupScheduleTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String HOST = env("PARLEY_REDIS_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(env("PARLEY_REDIS_PORT", "6379"));

    @TempDir
    Path temp;

    private final ScratchDatabases databases = new ScratchDatabases();
    private final String prefix = "parley:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final RedisClient client = RedisClient.create(RedisURI.create(HOST, PORT));
    private String source;
    private Path keyset;

    @BeforeEach
    void setUp() {
        source = databases.createWithConversations(2, "hello");
        keyset = temp.resolve("keyset.json");
        BackupKeyset.create(keyset);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        client.shutdown();
        databases.close();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private Backups backups(Clock clock) {
        return new Backups(temp.resolve("shared-volume"), BackupKeyset.load(keyset), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target(source), clock);
    }

    private BackupSchedule node(String id, RedisClient redis, Clock clock, SimpleMeterRegistry meters) {
        RedisAdapters adapters = new RedisAdapters(redis, prefix);
        closing.add(adapters);
        return new BackupSchedule(backups(clock), CronExpression.parse("0 0 * * * *"), adapters.jobClaims(),
                Duration.ofMinutes(10), id, clock, meters);
    }

    private List<Path> backupFiles() throws IOException {
        Path directory = temp.resolve("shared-volume");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> BackupName.parse(f.getFileName().toString()).isPresent()).toList();
        }
    }

    @Test
    void ofTwoNodesWakingForTheSameSlotOneBacksUpAndTheOtherSkips() throws IOException {
        Instant slot = Instant.parse("2026-11-29T03:00:00Z");
        // the two nodes' clocks differ by 40 s; each names its backup by its own clock
        SimpleMeterRegistry metersA = new SimpleMeterRegistry();
        SimpleMeterRegistry metersB = new SimpleMeterRegistry();
        BackupSchedule a = node("n_a", client, () -> slot, metersA);
        BackupSchedule b = node("n_b", client, () -> slot.plusSeconds(40), metersB);

        List<BackupSchedule.Outcome> outcomes = Flux.just(a, b)
                .flatMap(node -> node.run(slot).subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(TIMEOUT);

        assertThat(outcomes).containsExactlyInAnyOrder(BackupSchedule.Outcome.CREATED, BackupSchedule.Outcome.SKIPPED);
        assertThat(backupFiles()).hasSize(1);
        double createdA = metersA.get("parley.backup.runs").tag("outcome", "created").counter().count();
        double createdB = metersB.get("parley.backup.runs").tag("outcome", "created").counter().count();
        assertThat(createdA + createdB).isEqualTo(1);
        assertThat(metersA.get("parley.backup.runs").tag("outcome", "skipped").counter().count()
                + metersB.get("parley.backup.runs").tag("outcome", "skipped").counter().count()).isEqualTo(1);
        SimpleMeterRegistry winner = createdA == 1 ? metersA : metersB;
        assertThat(winner.get("parley.backup.last.success").gauge().value()).isPositive();

        // the node late by 40 s asks again for the same slot: still taken
        assertThat(b.run(slot).block(TIMEOUT)).isEqualTo(BackupSchedule.Outcome.SKIPPED);
        // the next slot is a new claim, and again only one node takes it
        Instant next = slot.plus(Duration.ofHours(1));
        BackupSchedule a2 = node("n_a", client, () -> next, metersA);
        BackupSchedule b2 = node("n_b", client, () -> next.plusSeconds(40), metersB);
        assertThat(Flux.just(a2, b2).flatMap(node -> node.run(next).subscribeOn(Schedulers.parallel()))
                .collectList().block(TIMEOUT))
                .containsExactlyInAnyOrder(BackupSchedule.Outcome.CREATED, BackupSchedule.Outcome.SKIPPED);
        assertThat(backupFiles()).hasSize(2);
    }

    @Test
    void aScheduledRunPrunesAfterCreating() throws IOException {
        Instant now = Instant.parse("2026-11-29T03:00:00Z");
        Path directory = temp.resolve("shared-volume");
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(BackupName.at(now.minus(Duration.ofDays(9))).fileName()), "old");
        Files.writeString(directory.resolve(BackupName.at(now.minus(Duration.ofDays(8))).fileName()), "old");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        assertThat(node("n_a", client, () -> now, meters).run(now).block(TIMEOUT)).isEqualTo(BackupSchedule.Outcome.CREATED);

        assertThat(backupFiles()).extracting(f -> f.getFileName().toString())
                .containsExactly(BackupName.at(now).fileName());
        assertThat(meters.get("parley.backup.pruned").counter().count()).isEqualTo(2);
    }

    @Test
    void aFailingBackupIsCountedAndLoggedAndTheScheduleGoesOn() throws IOException {
        Instant slot = Instant.parse("2026-11-29T04:00:00Z");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisAdapters adapters = new RedisAdapters(client, prefix);
        closing.add(adapters);
        Backups broken = new Backups(temp.resolve("shared-volume"), BackupKeyset.load(keyset), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target("parley_no_such_database"), () -> slot);
        BackupSchedule node = new BackupSchedule(broken, CronExpression.parse("0 0 * * * *"), adapters.jobClaims(),
                Duration.ofMinutes(10), "n_a", () -> slot, meters);

        assertThat(node.run(slot).block(TIMEOUT)).isEqualTo(BackupSchedule.Outcome.FAILED);
        assertThat(meters.get("parley.backup.runs").tag("outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(backupFiles()).isEmpty();
    }

    @Test
    void withRedisUnreachableNoNodeBacksUp() throws IOException {
        RedisURI nowhere = RedisURI.create("127.0.0.1", 1);
        nowhere.setTimeout(Duration.ofSeconds(1));
        RedisClient unreachable = RedisClient.create(nowhere);
        try {
            Instant slot = Instant.parse("2026-11-29T05:00:00Z");
            SimpleMeterRegistry meters = new SimpleMeterRegistry();

            assertThat(node("n_a", unreachable, () -> slot, meters).run(slot).block(TIMEOUT))
                    .isEqualTo(BackupSchedule.Outcome.FAILED);
            assertThat(backupFiles()).isEmpty();
        } finally {
            closing.forEach(c -> {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            closing.clear();
            unreachable.shutdown();
        }
    }

    @Test
    void startedItWaitsForTheNextSlotOfTheCronAndRunsIt() throws IOException {
        // a slot every second, so the first one comes soon
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisAdapters adapters = new RedisAdapters(client, prefix);
        closing.add(adapters);
        BackupSchedule node = new BackupSchedule(backups(Instant::now), CronExpression.parse("* * * * * *"),
                adapters.jobClaims(), Duration.ofSeconds(30), "n_a", Instant::now, meters);

        node.start();
        try {
            assertThat(node.isRunning()).isTrue();
            await().atMost(TIMEOUT).until(() -> meters.get("parley.backup.runs").tag("outcome", "created").counter().count() >= 1);
        } finally {
            node.stop();
        }
        assertThat(node.isRunning()).isFalse();
        assertThat(backupFiles()).isNotEmpty();
    }
}
