package io.parley.gateway.upstream;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.port.BotChanges;
import io.parley.core.port.KnowledgeIndex;
import io.parley.persistence.postgres.KnowledgeSnapshot;
import io.parley.persistence.postgres.KnowledgeSnapshots;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Each bot's knowledge base kept in this node's memory ({@link BotCache}, a {@link KnowledgeSnapshot}) and
 * searched there, so that a question does not wait for PostgreSQL before its prompt is ready; the same entries in
 * the same order as PostgreSQL's search. PostgreSQL still searches when the node keeps nothing (not subscribed to
 * the announcements), for a question that is not plain text, and for a bot with more than
 * {@code maxEntriesPerBot} entries or more than a quarter of {@code maxBytes}. At most {@code maxBytes} of
 * snapshots (their estimate) are kept on the node.
 */
final class CachedKnowledgeIndex implements KnowledgeIndex, AutoCloseable {
    /** What remembering that a bot is too big to keep weighs. */
    private static final long TOO_BIG = 64;

    private final KnowledgeIndex database;
    private final BotCache<Optional<KnowledgeSnapshot>> cache;

    CachedKnowledgeIndex(KnowledgeIndex database, KnowledgeSnapshots snapshots, BotChanges changes, Duration expiry,
                         int maxEntriesPerBot, long maxBytes) {
        this(database, snapshots, changes, expiry, maxEntriesPerBot, maxBytes, System::nanoTime);
    }

    CachedKnowledgeIndex(KnowledgeIndex database, KnowledgeSnapshots snapshots, BotChanges changes, Duration expiry,
                         int maxEntriesPerBot, long maxBytes, LongSupplier nanoTime) {
        if (maxEntriesPerBot < 1 || maxBytes < 4 * TOO_BIG) {
            throw new IllegalArgumentException("maxEntriesPerBot must be positive and maxBytes at least " + 4 * TOO_BIG);
        }
        this.database = database;
        long maxBytesPerBot = maxBytes / 4;
        this.cache = new BotCache<>("knowledge bases",
                // a character weighs two bytes at least: no read goes far beyond what could be kept
                bot -> snapshots.of(bot, maxEntriesPerBot, maxBytesPerBot / 2)
                        .map(snapshot -> snapshot.filter(kept -> kept.bytes() <= maxBytesPerBot)),
                // nothing kept: no whole knowledge base is read for one question, PostgreSQL searches it
                bot -> Mono.just(Optional.empty()),
                changes, expiry, maxBytes, snapshot -> snapshot.map(KnowledgeSnapshot::bytes).orElse(TOO_BIG), nanoTime);
    }

    @Override
    public Flux<KnowledgeEntry> search(BotId bot, String question, int max) {
        if (max <= 0 || question.isBlank()) {
            return Flux.empty();
        }
        return cache.get(bot)
                // Reading the bot's entries failed: PostgreSQL searches this question (and fails as well if it is down).
                .onErrorResume(e -> Mono.just(Optional.empty()))
                .flatMapMany(snapshot -> snapshot
                        .flatMap(kept -> kept.search(question, max))
                        .map(Flux::fromIterable)
                        .orElseGet(() -> database.search(bot, question, max)));
    }

    /** Whether this node keeps knowledge bases now, i.e. is subscribed to the announcements; for tests. */
    boolean caching() {
        return cache.caching();
    }

    @Override
    public void close() {
        cache.close();
    }

    @Override
    public String toString() {
        return "CachedKnowledgeIndex[" + cache.size() + " bots]";
    }
}
