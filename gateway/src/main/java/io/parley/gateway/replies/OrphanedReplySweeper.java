package io.parley.gateway.replies;

import io.parley.core.engine.ConversationEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.core.publisher.Mono;

/**
 * Every {@code sweep-every}, takes over the replies whose node died or handed them over (see
 * {@link ConversationEngine#takeOverOrphanedReplies()}); sweeps never overlap.
 */
final class OrphanedReplySweeper implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedReplySweeper.class);

    private final ConversationEngine engine;
    private final ReplyLeaseProperties properties;
    private static final java.time.Duration SWEEP_LIMIT = java.time.Duration.ofSeconds(5);

    private volatile Disposable sweeping = reactor.core.Disposables.disposed();
    private volatile boolean running;

    OrphanedReplySweeper(ConversationEngine engine, ReplyLeaseProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        // its own thread: a sweep must not wait for a busy shared pool, nor die with one that is disposed
        Scheduler timer = Schedulers.newSingle("reply-sweeper", true);
        sweeping = Disposables.composite(timer, Flux.interval(properties.sweepEvery(), timer)
                .onBackpressureDrop()
                .concatMap(tick -> engine.takeOverOrphanedReplies()
                        // a sweep that hangs (a lost answer from Redis or PostgreSQL) must not stop every later one
                        .timeout(SWEEP_LIMIT, timer)
                        // Redis or PostgreSQL failing: this sweep is lost; the next one tries again.
                        .onErrorResume(e -> {
                            LOG.warn("sweep for orphaned replies failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe());
    }

    @Override
    public void stop() {
        running = false;
        sweeping.dispose();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
