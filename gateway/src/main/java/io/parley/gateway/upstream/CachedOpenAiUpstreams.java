package io.parley.gateway.upstream;

import io.parley.core.model.BotId;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.port.BotChanges;
import io.parley.core.port.OpenAiUpstreams;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Each bot's upstream settings (or the fact that it has none), kept in this node's memory so that a question
 * does not wait for PostgreSQL before the upstream request. A bot's entry is read once when missing (concurrent
 * misses share the read), kept at most {@code expiry}, and dropped as soon as {@link BotChanges} announces a
 * change of the bot from any node. A failed read is not kept. At most {@code maxBots} entries: beyond, the
 * oldest go. Entries hold API keys: neither they nor this class's {@code toString} ever show one.
 */
final class CachedOpenAiUpstreams implements OpenAiUpstreams, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CachedOpenAiUpstreams.class);
    private static final Duration RESUBSCRIBE_FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration RESUBSCRIBE_MAX_BACKOFF = Duration.ofSeconds(10);

    private final OpenAiUpstreams database;
    private final long expiryNanos;
    private final int maxBots;
    private final LongSupplier nanoTime;
    private final Map<BotId, Entry> entries = new ConcurrentHashMap<>();
    /**
     * Odd while subscribed to the announcements, even while not; it moves on at each change of state, and an
     * entry counts only in the epoch it was read in, so nothing read before a (re)subscription is ever used.
     */
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicBoolean pruning = new AtomicBoolean();
    private final Disposable subscription;

    CachedOpenAiUpstreams(OpenAiUpstreams database, BotChanges changes, Duration expiry, int maxBots) {
        this(database, changes, expiry, maxBots, System::nanoTime);
    }

    /** {@code nanoTime} is a monotonic clock like {@link System#nanoTime()}, which tests replace. */
    CachedOpenAiUpstreams(OpenAiUpstreams database, BotChanges changes, Duration expiry, int maxBots,
                          LongSupplier nanoTime) {
        if (expiry.isNegative() || expiry.isZero() || maxBots < 1) {
            throw new IllegalArgumentException("expiry and maxBots must be positive");
        }
        this.database = database;
        this.expiryNanos = expiry.toNanos();
        this.maxBots = maxBots;
        this.nanoTime = nanoTime;
        this.subscription = changes.changes()
                .doOnNext(this::apply)
                // Subscription lost: announcements may have been missed, so keep nothing until subscribed again (reading
                // PostgreSQL for every question meanwhile, as without a cache) rather than keep entries with a shorter
                // expiry: one state less, and a stale setting can never outlive the outage.
                .doOnError(this::stopCaching)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, RESUBSCRIBE_FIRST_BACKOFF)
                        .maxBackoff(RESUBSCRIBE_MAX_BACKOFF)
                        .transientErrors(true))
                .subscribe(null, e -> LOG.error("bot change announcements ended: {}", e.toString()));
    }

    @Override
    public Mono<OpenAiUpstream> of(BotId bot) {
        return Mono.defer(() -> {
            long current = epoch.get();
            if (!subscribed(current)) {
                return database.of(bot);
            }
            long now = nanoTime.getAsLong();
            Entry found = entries.get(bot);
            if (found != null && found.usable(current, now)) {
                return found.value();
            }
            Entry loading = new Entry(current, now + expiryNanos, new CompletableFuture<>());
            Entry winner = entries.compute(bot, (id, old) -> old != null && old.usable(current, now) ? old : loading);
            if (winner == loading) {
                load(bot, loading);
                if (entries.size() > maxBots) {
                    prune(now);
                }
            }
            return winner.value();
        });
    }

    /** Whether this node keeps settings now, i.e. is subscribed to the announcements; for tests. */
    boolean caching() {
        return subscribed(epoch.get());
    }

    /** How many bots' settings this node keeps (or is reading) now; for tests. */
    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        subscription.dispose();
        entries.clear();
    }

    private void load(BotId bot, Entry loading) {
        database.of(bot)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(value -> {
                    // dropped meanwhile (announced, or the subscription lost): answer the waiting callers, keep nothing
                    if (epoch.get() != loading.epoch) {
                        entries.remove(bot, loading);
                    }
                    loading.future.complete(value);
                }, failure -> {
                    // Read failed: not kept, the next question reads again.
                    entries.remove(bot, loading);
                    loading.future.completeExceptionally(failure);
                });
    }

    private void apply(BotChanges.Signal signal) {
        if (signal instanceof BotChanges.Signal.Changed changed) {
            entries.remove(changed.bot());
        } else if (signal instanceof BotChanges.Signal.Subscribed) {
            long was = epoch.get();
            if (!subscribed(was) && epoch.compareAndSet(was, was + 1)) {
                entries.clear();
                if (was > 0) {
                    LOG.info("bot change announcements subscribed again: upstream settings are kept again");
                }
            }
        }
    }

    private void stopCaching(Throwable failure) {
        long was = epoch.get();
        if (subscribed(was) && epoch.compareAndSet(was, was + 1)) {
            entries.clear();
            LOG.warn("bot change announcements lost ({}): upstream settings are read from PostgreSQL for every "
                    + "question until subscribed again", failure.toString());
        }
    }

    /** Drops what no longer counts, then the oldest entries read until a tenth of the room is free again. */
    private void prune(long now) {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            long current = epoch.get();
            entries.entrySet().removeIf(e -> e.getValue().loaded() && !e.getValue().usable(current, now));
            int excess = entries.size() - (maxBots - Math.max(1, maxBots / 10));
            if (excess > 0) {
                entries.entrySet().stream()
                        .filter(e -> e.getValue().loaded())
                        .sorted(Comparator.comparingLong(e -> e.getValue().expiresAtNanos))
                        .limit(excess)
                        .toList()
                        .forEach(e -> entries.remove(e.getKey(), e.getValue()));
            }
        } finally {
            pruning.set(false);
        }
    }

    private static boolean subscribed(long epoch) {
        return (epoch & 1) == 1;
    }

    /** One read of a bot's settings: in flight until {@code future} completes, then the value kept. */
    private static final class Entry {
        final long epoch;
        final long expiresAtNanos;
        final CompletableFuture<Optional<OpenAiUpstream>> future;

        Entry(long epoch, long expiresAtNanos, CompletableFuture<Optional<OpenAiUpstream>> future) {
            this.epoch = epoch;
            this.expiresAtNanos = expiresAtNanos;
            this.future = future;
        }

        boolean usable(long currentEpoch, long now) {
            return epoch == currentEpoch && now - expiresAtNanos < 0 && !future.isCompletedExceptionally();
        }

        boolean loaded() {
            return future.isDone();
        }

        Mono<OpenAiUpstream> value() {
            // a copy: a caller who cancels must not cancel the read that others share
            return Mono.fromFuture(future.copy()).flatMap(Mono::justOrEmpty);
        }

        @Override
        public String toString() {
            return "Entry[epoch=" + epoch + (future.isDone() ? ", read" : ", reading") + "]";
        }
    }
}
