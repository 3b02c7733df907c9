package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.Conversations;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.MessageLog;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Conversations in table {@code conversations}; a partial unique index keeps one open per visitor and bot. */
final class PostgresConversations implements Conversations {

    private static final String COLUMNS = "id, workspace_id, bot_id, visitor_id, human_handling, created_at";

    private final DatabaseClient db;
    private final Clock clock;
    private final IdGenerator ids;

    PostgresConversations(DatabaseClient db, Clock clock, IdGenerator ids) {
        this.db = db;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public Mono<Conversation> find(ConversationId id) {
        return db.sql("SELECT " + COLUMNS + " FROM conversations WHERE id = :id")
                .bind("id", id.value())
                .map(PostgresConversations::conversation)
                .one();
    }

    @Override
    public Mono<Conversation> findOpen(VisitorId visitorId, BotId botId) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM conversations
                        WHERE visitor_id = :visitorId AND bot_id = :botId AND state = 'open'""")
                .bind("visitorId", visitorId.value())
                .bind("botId", botId.value())
                .map(PostgresConversations::conversation)
                .one();
    }

    @Override
    public Mono<Conversation> openFor(WorkspaceId workspaceId, BotId botId, VisitorId visitorId) {
        // The insert waits for a concurrent one of the same (visitor, bot) and then does nothing, so the
        // select that follows sees the winner's row; the retry covers a conversation closed in between.
        return Mono.defer(() -> insertOpen(workspaceId, botId, visitorId))
                .switchIfEmpty(Mono.defer(() -> findOpen(visitorId, botId)))
                .repeatWhenEmpty(3, repeats -> repeats);
    }

    @Override
    public Mono<Void> markHumanHandling(ConversationId id) {
        return db.sql("UPDATE conversations SET human_handling = true WHERE id = :id")
                .bind("id", id.value())
                .fetch()
                .rowsUpdated()
                .flatMap(updated -> updated == 0
                        ? Mono.error(new MessageLog.UnknownConversationException(id))
                        : Mono.empty());
    }

    private Mono<Conversation> insertOpen(WorkspaceId workspaceId, BotId botId, VisitorId visitorId) {
        return db.sql("""
                        INSERT INTO conversations (id, workspace_id, bot_id, visitor_id, created_at)
                        VALUES (:id, :workspaceId, :botId, :visitorId, :createdAt)
                        ON CONFLICT (visitor_id, bot_id) WHERE state = 'open' DO NOTHING
                        RETURNING\s""" + COLUMNS)
                .bind("id", ids.conversationId().value())
                .bind("workspaceId", workspaceId.value())
                .bind("botId", botId.value())
                .bind("visitorId", visitorId.value())
                .bind("createdAt", Sql.storable(clock.now()))
                .map(PostgresConversations::conversation)
                .one();
    }

    private static Conversation conversation(Readable row) {
        return new Conversation(new ConversationId(Sql.string(row, "id")),
                new WorkspaceId(Sql.string(row, "workspace_id")), new BotId(Sql.string(row, "bot_id")),
                new VisitorId(Sql.string(row, "visitor_id")), Sql.bool(row, "human_handling"),
                Sql.instant(row, "created_at"));
    }
}
