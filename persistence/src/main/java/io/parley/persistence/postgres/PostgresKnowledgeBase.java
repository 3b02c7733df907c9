package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.DatedKnowledgeEntry;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.port.Clock;
import io.parley.core.port.KnowledgeBase;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Knowledge entries in table {@code knowledge_entries}, whose generated {@code search} column the index reads. */
final class PostgresKnowledgeBase implements KnowledgeBase {

    private static final String COLUMNS = "id, bot_id, title, body, created_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    PostgresKnowledgeBase(DatabaseClient db, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Mono<Page<DatedKnowledgeEntry>> list(BotId bot, int limit, @Nullable PageCursor after) {
        var query = db.sql("SELECT " + COLUMNS + " FROM knowledge_entries WHERE bot_id = :botId"
                        + (after == null ? "" : " AND (created_at, id) > (:afterAt, :afterId)")
                        + " ORDER BY created_at, id LIMIT :fetch")
                .bind("botId", bot.value())
                .bind("fetch", limit + 1);
        if (after != null) {
            query = query.bind("afterAt", after.at()).bind("afterId", after.id());
        }
        return query.map(PostgresKnowledgeBase::entry)
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, e -> new PageCursor(e.createdAt(), e.entry().id())));
    }

    @Override
    public Mono<DatedKnowledgeEntry> find(BotId bot, String entryId) {
        return db.sql("SELECT " + COLUMNS + " FROM knowledge_entries WHERE bot_id = :botId AND id = :id")
                .bind("botId", bot.value())
                .bind("id", entryId)
                .map(PostgresKnowledgeBase::entry)
                .one();
    }

    @Override
    public Mono<DatedKnowledgeEntry> create(BotId bot, String title, String body) {
        return Mono.defer(() -> insert(bot, title, body, Sql.storable(clock.now())));
    }

    @Override
    public Mono<DatedKnowledgeEntry> update(BotId bot, String entryId, String title, String body) {
        return db.sql("UPDATE knowledge_entries SET title = :title, body = :body WHERE bot_id = :botId AND id = :id "
                        + "RETURNING " + COLUMNS)
                .bind("title", title)
                .bind("body", body)
                .bind("botId", bot.value())
                .bind("id", entryId)
                .map(PostgresKnowledgeBase::entry)
                .one();
    }

    @Override
    public Mono<Boolean> delete(BotId bot, String entryId) {
        return db.sql("DELETE FROM knowledge_entries WHERE bot_id = :botId AND id = :id RETURNING id")
                .bind("botId", bot.value())
                .bind("id", entryId)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<List<String>> importAll(BotId bot, List<Draft> entries, boolean replace) {
        Mono<Void> clear = replace
                ? db.sql("DELETE FROM knowledge_entries WHERE bot_id = :botId").bind("botId", bot.value()).then()
                : Mono.empty();
        // One microsecond apart, so that the list (ordered by creation) keeps the document's order.
        Mono<List<String>> all = Mono.defer(() -> {
            Instant start = Sql.storable(clock.now());
            List<Mono<String>> inserts = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Draft draft = entries.get(i);
                inserts.add(insert(bot, draft.title(), draft.body(), start.plusNanos(1_000L * i))
                        .map(created -> created.entry().id()));
            }
            return clear.thenMany(Flux.concat(inserts)).collectList();
        });
        return tx.transactional(all);
    }

    private Mono<DatedKnowledgeEntry> insert(BotId bot, String title, String body, Instant at) {
        return db.sql("INSERT INTO knowledge_entries (id, bot_id, title, body, created_at) "
                        + "VALUES (:id, :botId, :title, :body, :at) RETURNING " + COLUMNS)
                .bind("id", SecureIds.knowledgeEntryId())
                .bind("botId", bot.value())
                .bind("title", title)
                .bind("body", body)
                .bind("at", at)
                .map(PostgresKnowledgeBase::entry)
                .one();
    }

    private static DatedKnowledgeEntry entry(Readable row) {
        return new DatedKnowledgeEntry(new KnowledgeEntry(Sql.string(row, "id"), new BotId(Sql.string(row, "bot_id")),
                Sql.string(row, "title"), Sql.string(row, "body")), Sql.instant(row, "created_at"));
    }
}
