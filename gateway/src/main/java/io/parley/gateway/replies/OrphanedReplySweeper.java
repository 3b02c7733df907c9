package io.parley.gateway.replies;

import io.parley.core.engine.ConversationEngine;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code sweep-every}, takes over the replies whose node died or handed them over (see
 * {@link ConversationEngine#takeOverOrphanedReplies()}); sweeps never overlap.
 */
final class OrphanedReplySweeper implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedReplySweeper.class);

    private static final Duration SWEEP_LIMIT = Duration.ofSeconds(5);

    private final ConversationEngine engine;
    private final ReplyLeaseProperties properties;

    private volatile Disposable sweeping = reactor.core.Disposables.disposed();
    private volatile boolean running;

    OrphanedReplySweeper(ConversationEngine engine, ReplyLeaseProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        sweeping = Flux.interval(properties.sweepEvery())
                .onBackpressureDrop()
                .concatMap(tick -> engine.takeOverOrphanedReplies()
                        // a sweep that hangs (a lost answer from Redis or PostgreSQL) must not stop every later one
                        .timeout(SWEEP_LIMIT)
                        // Redis or PostgreSQL failing: this sweep is lost; the next one tries again.
                        .onErrorResume(e -> {
                            LOG.warn("sweep for orphaned replies failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
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
