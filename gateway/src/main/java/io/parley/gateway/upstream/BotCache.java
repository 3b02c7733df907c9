package io.parley.gateway.upstream;

import io.parley.core.model.BotId;
import io.parley.core.port.BotChanges;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Something read per bot from PostgreSQL, kept in this node's memory so that a question does not wait for the
 * database. A bot's value is read once when missing (concurrent misses share the read), kept at most
 * {@code expiry}, and dropped as soon as {@link BotChanges} announces a change of the bot from any node. A failed
 * read is not kept. Values weigh {@code weigher} each, {@code maxWeight} together: beyond, the oldest go. While
 * not subscribed to the announcements nothing is kept, and {@code unkept} answers instead of {@code read}.
 */
final class BotCache<V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BotCache.class);
    private static final Duration RESUBSCRIBE_FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration RESUBSCRIBE_MAX_BACKOFF = Duration.ofSeconds(10);

    private final String what;
    private final Function<BotId, Mono<V>> read;
    private final Function<BotId, Mono<V>> unkept;
    private final long expiryNanos;
    private final long maxWeight;
    private final ToLongFunction<V> weigher;
    private final LongSupplier nanoTime;
    private final Map<BotId, Entry<V>> entries = new ConcurrentHashMap<>();
    /**
     * Odd while subscribed to the announcements, even while not; it moves on at each change of state, and an
     * entry counts only in the epoch it was read in, so nothing read before a (re)subscription is ever used.
     */
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicBoolean pruning = new AtomicBoolean();
    /** The weight of the values kept, kept up to date as they come and go. */
    private final AtomicLong kept = new AtomicLong();
    private final Disposable subscription;

    /**
     * {@code what}: what is kept, for the log (e.g. "upstream settings"); {@code unkept}: the answer while nothing
     * is kept, e.g. {@code read} itself; {@code nanoTime}: a monotonic clock like {@link System#nanoTime()}, which
     * tests replace.
     */
    BotCache(String what, Function<BotId, Mono<V>> read, Function<BotId, Mono<V>> unkept, BotChanges changes,
             Duration expiry, long maxWeight, ToLongFunction<V> weigher, LongSupplier nanoTime) {
        if (expiry.isNegative() || expiry.isZero() || maxWeight < 1) {
            throw new IllegalArgumentException("expiry and maxWeight must be positive");
        }
        this.what = what;
        this.read = read;
        this.unkept = unkept;
        this.expiryNanos = expiry.toNanos();
        this.maxWeight = maxWeight;
        this.weigher = weigher;
        this.nanoTime = nanoTime;
        this.subscription = changes.changes()
                .doOnNext(this::apply)
                // Subscription lost: announcements may have been missed, so keep nothing until subscribed again (reading
                // PostgreSQL for every question meanwhile, as without a cache) rather than keep entries with a shorter
                // expiry: one state less, and a stale value can never outlive the outage.
                .doOnError(this::stopCaching)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, RESUBSCRIBE_FIRST_BACKOFF)
                        .maxBackoff(RESUBSCRIBE_MAX_BACKOFF)
                        .transientErrors(true))
                .subscribe(null, e -> LOG.error("bot change announcements ended: {}", e.toString()));
    }

    /** The bot's value, from memory when kept, else read (and kept). */
    Mono<V> get(BotId bot) {
        return Mono.defer(() -> {
            long current = epoch.get();
            if (!subscribed(current)) {
                return unkept.apply(bot);
            }
            long now = nanoTime.getAsLong();
            Entry<V> found = entries.get(bot);
            if (found != null && found.usable(current, now)) {
                return found.value();
            }
            Entry<V> loading = new Entry<>(current, now + expiryNanos);
            Entry<V> winner = entries.compute(bot, (id, old) -> {
                if (old != null && old.usable(current, now)) {
                    return old;
                }
                if (old != null) {
                    uncount(old);
                }
                return loading;
            });
            if (winner == loading) {
                load(bot, loading);
            }
            return winner.value();
        });
    }

    /** Whether this node keeps values now, i.e. is subscribed to the announcements; for tests. */
    boolean caching() {
        return subscribed(epoch.get());
    }

    /** How many bots' values this node keeps (or is reading) now; for tests. */
    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        subscription.dispose();
        // not subscribed any more: nothing read from now on is kept
        unsubscribed();
    }

    private void load(BotId bot, Entry<V> loading) {
        read.apply(bot).subscribe(value -> {
            loading.weight = weigher.applyAsLong(value);
            // counted first, then checked: a drop racing with this either sees it counted or is seen here
            loading.counted.set(true);
            long weight = kept.addAndGet(loading.weight);
            if (epoch.get() != loading.epoch || entries.get(bot) != loading) {
                // dropped meanwhile (announced, or the subscription lost): the waiting callers get it, nothing is kept
                drop(bot, loading);
            } else if (weight > maxWeight) {
                prune();
            }
            loading.future.complete(value);
        }, failure -> {
            // Read failed: not kept, the next question reads again.
            entries.remove(bot, loading);
            loading.future.completeExceptionally(failure);
        }, () -> {
            if (!loading.future.isDone()) {
                entries.remove(bot, loading);
                loading.future.completeExceptionally(new IllegalStateException("nothing read for " + bot.value()));
            }
        });
    }

    private void apply(BotChanges.Signal signal) {
        if (signal instanceof BotChanges.Signal.Changed changed) {
            Entry<V> dropped = entries.get(changed.bot());
            if (dropped != null) {
                drop(changed.bot(), dropped);
            }
        } else if (signal instanceof BotChanges.Signal.Subscribed) {
            long was = epoch.get();
            if (!subscribed(was) && epoch.compareAndSet(was, was + 1)) {
                dropAll();
                if (was > 0) {
                    LOG.info("bot change announcements subscribed again: {} are kept again", what);
                }
            }
        }
    }

    private void stopCaching(Throwable failure) {
        if (unsubscribed()) {
            LOG.warn("bot change announcements lost ({}): {} are read from PostgreSQL for every question until "
                    + "subscribed again", failure.toString(), what);
        }
    }

    /** Moves to the next (unsubscribed) epoch and drops everything; false when it was not subscribed. */
    private boolean unsubscribed() {
        long was = epoch.get();
        if (subscribed(was) && epoch.compareAndSet(was, was + 1)) {
            dropAll();
            return true;
        }
        return false;
    }

    private void drop(BotId bot, Entry<V> entry) {
        entries.remove(bot, entry);
        uncount(entry);
    }

    private void uncount(Entry<V> entry) {
        if (entry.counted.compareAndSet(true, false)) {
            kept.addAndGet(-entry.weight);
        }
    }

    private void dropAll() {
        entries.forEach(this::drop);
    }

    /**
     * Beyond {@code maxWeight}: drops what no longer counts, then the oldest values read until a tenth of the room
     * is free again. On the thread that finished a read, one pruning at a time.
     */
    private void prune() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            long current = epoch.get();
            long now = nanoTime.getAsLong();
            entries.forEach((bot, entry) -> {
                if (entry.loaded() && !entry.usable(current, now)) {
                    drop(bot, entry);
                }
            });
            long excess = kept.get() - (maxWeight - Math.max(1, maxWeight / 10));
            if (excess > 0) {
                List<Map.Entry<BotId, Entry<V>>> oldestFirst = entries.entrySet().stream()
                        .filter(e -> e.getValue().counted.get())
                        .sorted(Comparator.comparingLong(e -> e.getValue().expiresAtNanos))
                        .toList();
                for (Map.Entry<BotId, Entry<V>> e : oldestFirst) {
                    if (excess <= 0) {
                        break;
                    }
                    excess -= e.getValue().weight;
                    drop(e.getKey(), e.getValue());
                }
            }
        } finally {
            pruning.set(false);
        }
    }

    private static boolean subscribed(long epoch) {
        return (epoch & 1) == 1;
    }

    /** One read of a bot's value: in flight until {@code future} completes, then the value kept. */
    private static final class Entry<V> {
        final long epoch;
        final long expiresAtNanos;
        final CompletableFuture<V> future = new CompletableFuture<>();
        /** Whether {@link #weight} is in {@code kept}: from when it is kept until it is dropped. */
        final AtomicBoolean counted = new AtomicBoolean();
        volatile long weight;

        Entry(long epoch, long expiresAtNanos) {
            this.epoch = epoch;
            this.expiresAtNanos = expiresAtNanos;
        }

        boolean usable(long currentEpoch, long now) {
            return epoch == currentEpoch && now - expiresAtNanos < 0 && !future.isCompletedExceptionally();
        }

        boolean loaded() {
            return future.isDone() && !future.isCompletedExceptionally();
        }

        Mono<V> value() {
            // a copy: a caller who cancels must not cancel the read that others share
            return Mono.fromFuture(future.copy());
        }

        @Override
        public String toString() {
            return "Entry[epoch=" + epoch + (future.isDone() ? ", read" : ", reading") + "]";
        }
    }
}
