package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The bot's entries with their stored {@code search} vectors in text form, read in one query. */
final class PostgresKnowledgeSnapshots implements KnowledgeSnapshots {
    private final DatabaseClient db;

    PostgresKnowledgeSnapshots(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Optional<KnowledgeSnapshot>> of(BotId bot, int maxEntries, long maxChars) {
        if (maxEntries < 0 || maxChars < 0) {
            return Mono.error(new IllegalArgumentException("maxEntries and maxChars must not be negative"));
        }
        return Mono.defer(() -> {
            // one subscription's running totals: reading stops at the first entry beyond a bound
            long[] seen = {0, 0};
            boolean[] tooMany = {false};
            return db.sql("""
                            SELECT id, title, body, search::text AS search
                              FROM knowledge_entries
                             WHERE bot_id = :bot
                             ORDER BY id COLLATE "C"
                             LIMIT :limit""")
                    .bind("bot", bot.value())
                    .bind("limit", maxEntries + 1L)
                    .map(row -> new KnowledgeSnapshot.Indexed(new KnowledgeEntry(Sql.string(row, "id"), bot,
                            Sql.string(row, "title"), Sql.string(row, "body")), TsRank.parse(Sql.string(row, "search"))))
                    .all()
                    .takeWhile(indexed -> {
                        seen[0]++;
                        seen[1] += indexed.entry().title().length() + indexed.entry().body().length();
                        tooMany[0] = seen[0] > maxEntries || seen[1] > maxChars;
                        return !tooMany[0];
                    })
                    .collectList()
                    .map(entries -> tooMany[0] ? Optional.<KnowledgeSnapshot>empty()
                            : Optional.of(new KnowledgeSnapshot(entries)));
        });
    }
}
