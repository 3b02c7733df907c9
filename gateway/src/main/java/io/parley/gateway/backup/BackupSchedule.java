package io.parley.gateway.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.core.port.Clock;
import io.parley.core.port.JobClaims;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Creates a backup and then prunes, at every slot of {@code parley.backup.schedule} (cron, UTC), on one
 * node only: every node wakes up for the slot, and the node that claims the slot in Redis first does
 * it. The claim is kept for {@code claim-ttl} and never released early, so a node whose clock is a
 * little late finds the slot taken rather than making a second backup.
 *
 * <p>Meters: {@code parley.backup.runs{outcome=created|skipped|failed}} (skipped: another node had the
 * slot), {@code parley.backup.duration} (create and prune), {@code parley.backup.last.success}
 * (epoch seconds of this node's last backup, 0 before the first) and {@code parley.backup.pruned}.
 */
final class BackupSchedule implements SmartLifecycle, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);

    enum Outcome {
        CREATED, SKIPPED, FAILED
    }

    private final Backups backups;
    private final CronExpression cron;
    private final JobClaims claims;
    private final Duration claimTtl;
    private final String node;
    private final Clock clock;
    private final Map<Outcome, Counter> runs = new EnumMap<>(Outcome.class);
    private final Timer duration;
    private final Counter pruned;
    private final AtomicLong lastSuccess = new AtomicLong();

    private volatile Disposable loop = Disposables.disposed();
    private volatile boolean running;

    BackupSchedule(Backups backups, CronExpression cron, JobClaims claims, Duration claimTtl, String node, Clock clock,
                   MeterRegistry meters) {
        this.backups = backups;
        this.cron = cron;
        this.claims = claims;
        this.claimTtl = claimTtl;
        this.node = node;
        this.clock = clock;
        for (Outcome outcome : Outcome.values()) {
            runs.put(outcome, Counter.builder("parley.backup.runs")
                    .description("Scheduled backup slots on this node, by outcome (skipped: another node had the slot)")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters));
        }
        duration = Timer.builder("parley.backup.duration")
                .description("Time to create a scheduled backup and prune the old ones")
                .register(meters);
        pruned = Counter.builder("parley.backup.pruned")
                .description("Backups deleted by the retention policy after a scheduled backup")
                .register(meters);
        Gauge.builder("parley.backup.last.success", lastSuccess, AtomicLong::get)
                .description("When this node last created a backup (epoch seconds; 0: not since it started)")
                .baseUnit("seconds")
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        loop = Mono.defer(this::untilNextSlotThenRun).repeat(() -> running).subscribe();
        LOG.info("backups scheduled ({} UTC) into {}", cron, backups.directory());
    }

    private Mono<Outcome> untilNextSlotThenRun() {
        Instant now = clock.now();
        ZonedDateTime next = cron.next(now.atZone(ZoneOffset.UTC));
        if (next == null) {
            running = false;
            return Mono.empty();
        }
        return Mono.delay(Duration.between(now, next.toInstant())).then(run(next.toInstant()));
    }

    /** The work of one slot: claim it, and if this node got it, create a backup and prune. Never errors. */
    Mono<Outcome> run(Instant slot) {
        return claims.claim("backup:" + slot.getEpochSecond(), node, claimTtl)
                .flatMap(won -> won
                        ? Mono.fromCallable(this::createAndPrune).subscribeOn(Schedulers.boundedElastic())
                        : Mono.fromCallable(() -> {
                            LOG.info("backup slot {} taken by another node", slot);
                            return Outcome.SKIPPED;
                        }))
                // Redis down: no node can claim the slot, so none backs up (rather than all at once); the next slot tries again.
                .onErrorResume(e -> {
                    LOG.error("scheduled backup of slot {} FAILED: {}", slot, e.getMessage() == null ? e : e.getMessage());
                    return Mono.just(Outcome.FAILED);
                })
                .doOnNext(outcome -> runs.get(outcome).increment());
    }

    private Outcome createAndPrune() {
        Timer.Sample sample = Timer.start();
        Backups.Created created = backups.create();
        lastSuccess.set(created.name().createdAt().getEpochSecond());
        LOG.info("backup created: {} ({} bytes in {} ms)", created.name(), created.size(), created.took().toMillis());
        Backups.Pruned result = backups.prune();
        pruned.increment(result.deleted().size());
        sample.stop(duration);
        LOG.info("backups pruned: {} deleted {}, {} kept", result.deleted().size(), result.deleted(), result.kept().size());
        return Outcome.CREATED;
    }

    @Override
    public void stop() {
        running = false;
        loop.dispose();
    }

    /** Called by Spring when the context closes: the bucket's client goes with it. */
    @Override
    public void close() {
        backups.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
