package io.parley.gateway.upstream;

import io.parley.core.model.BotId;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.port.BotChanges;
import io.parley.core.port.OpenAiUpstreams;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Each bot's upstream settings (or the fact that it has none), kept in this node's memory ({@link BotCache}) so
 * that a question does not wait for PostgreSQL before the upstream request; at most {@code maxBots} bots. Entries
 * hold API keys: neither they nor this class's {@code toString} ever show one.
 */
final class CachedOpenAiUpstreams implements OpenAiUpstreams, AutoCloseable {
    private final BotCache<Optional<OpenAiUpstream>> cache;

    CachedOpenAiUpstreams(OpenAiUpstreams database, BotChanges changes, Duration expiry, int maxBots) {
        this(database, changes, expiry, maxBots, System::nanoTime);
    }

    /** {@code nanoTime} is a monotonic clock like {@link System#nanoTime()}, which tests replace. */
    CachedOpenAiUpstreams(OpenAiUpstreams database, BotChanges changes, Duration expiry, int maxBots,
                          LongSupplier nanoTime) {
        Function<BotId, Mono<Optional<OpenAiUpstream>>> read =
                bot -> database.of(bot).map(Optional::of).defaultIfEmpty(Optional.empty());
        this.cache = new BotCache<>("upstream settings", read, read, changes, expiry, maxBots, settings -> 1, nanoTime);
    }

    @Override
    public Mono<OpenAiUpstream> of(BotId bot) {
        return cache.get(bot).flatMap(Mono::justOrEmpty);
    }

    /** Whether this node keeps settings now, i.e. is subscribed to the announcements; for tests. */
    boolean caching() {
        return cache.caching();
    }

    /** How many bots' settings this node keeps (or is reading) now; for tests. */
    int size() {
        return cache.size();
    }

    @Override
    public void close() {
        cache.close();
    }

    @Override
    public String toString() {
        return "CachedOpenAiUpstreams[" + cache.size() + " bots]";
    }
}
