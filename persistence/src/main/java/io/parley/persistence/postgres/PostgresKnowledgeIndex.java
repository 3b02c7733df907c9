package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.port.KnowledgeIndex;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

/**
 * Full-text search over {@code knowledge_entries}. The question's lexemes (English stems, stop words
 * dropped) are OR-ed, not AND-ed, so a natural question matches an entry that shares only some of its
 * words; {@code ts_rank} puts the entries sharing the most (title words weigh more) first, ties by id in byte
 * order ({@link KnowledgeSnapshot} gives the same order in memory, whatever the database's collation).
 */
final class PostgresKnowledgeIndex implements KnowledgeIndex {

    private final DatabaseClient db;

    PostgresKnowledgeIndex(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Flux<KnowledgeEntry> search(BotId botId, String question, int max) {
        if (max <= 0 || question.isBlank()) {
            return Flux.empty();
        }
        // Lexemes are quoted for tsquery input (quotes doubled, backslashes escaped); a question of stop
        // words only gives a NULL query, which matches nothing.
        return db.sql("""
                        WITH lexemes AS (
                            SELECT tsvector_to_array(to_tsvector('english', :question)) AS words
                        ), query AS (
                            SELECT CASE WHEN cardinality(words) = 0 THEN NULL
                                        ELSE array_to_string(ARRAY(
                                                 SELECT '''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || ''''
                                                   FROM unnest(words) AS w), ' | ')::tsquery
                                   END AS q
                              FROM lexemes
                        )
                        SELECT e.id, e.bot_id, e.title, e.body
                          FROM knowledge_entries e, query
                         WHERE e.bot_id = :botId AND e.search @@ query.q
                         ORDER BY ts_rank(e.search, query.q) DESC, e.id COLLATE "C"
                         LIMIT :max""")
                .bind("question", question)
                .bind("botId", botId.value())
                .bind("max", max)
                .map(row -> new KnowledgeEntry(Sql.string(row, "id"), new BotId(Sql.string(row, "bot_id")),
                        Sql.string(row, "title"), Sql.string(row, "body")))
                .all();
    }
}
