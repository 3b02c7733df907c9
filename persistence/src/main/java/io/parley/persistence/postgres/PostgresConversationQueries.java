package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationRecord;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.ConversationQueries;
import io.parley.core.port.MessageLog;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Conversations joined with their visitors; events are read through the message log (which opens sealed text). */
final class PostgresConversationQueries implements ConversationQueries {

    private static final String SELECT = """
            SELECT c.id, c.workspace_id, c.bot_id, c.state, c.human_handling, c.created_at, c.closed_at, c.last_seq,
                   v.id AS v_id, v.workspace_id AS v_workspace_id, v.created_at AS v_created_at,
                   v.verified AS v_verified, v.external_id AS v_external_id, v.email AS v_email, v.name AS v_name,
                   v.phone AS v_phone, v.ip_address AS v_ip_address
              FROM conversations c JOIN visitors v ON v.id = c.visitor_id""";

    private final DatabaseClient db;
    private final MessageLog messageLog;
    private final FieldCodec fields;

    PostgresConversationQueries(DatabaseClient db, MessageLog messageLog, FieldCodec fields) {
        this.db = db;
        this.messageLog = messageLog;
        this.fields = fields;
    }

    @Override
    public Mono<Page<ConversationRecord>> page(WorkspaceId workspace, Filter filter, int limit,
                                               @Nullable PageCursor after) {
        Where where = new Where().and("c.workspace_id = :workspaceId", "workspaceId", workspace.value());
        if (filter.botId() != null) {
            where.and("c.bot_id = :botId", "botId", filter.botId().value());
        }
        if (filter.visitorId() != null) {
            where.and("c.visitor_id = :visitorId", "visitorId", filter.visitorId().value());
        }
        if (filter.state() != null) {
            where.and("c.state = :state", "state", filter.state().wire());
        }
        if (filter.humanHandling() != null) {
            where.and("c.human_handling = :humanHandling", "humanHandling", filter.humanHandling());
        }
        if (filter.from() != null) {
            where.and("c.created_at >= :from", "from", filter.from());
        }
        if (filter.to() != null) {
            where.and("c.created_at < :to", "to", filter.to());
        }
        if (after != null) {
            where.and("(c.created_at, c.id) < (:afterAt, :afterId)", "afterAt", after.at(), "afterId", after.id());
        }
        return where.bind(db.sql(SELECT + where.sql() + " ORDER BY c.created_at DESC, c.id DESC LIMIT :fetch")
                        .bind("fetch", limit + 1))
                .map(this::conversation)
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, conversation -> new PageCursor(conversation.createdAt(),
                        conversation.id().value())));
    }

    @Override
    public Mono<ConversationRecord> find(WorkspaceId workspace, ConversationId id) {
        return db.sql(SELECT + " WHERE c.id = :id AND c.workspace_id = :workspaceId")
                .bind("id", id.value())
                .bind("workspaceId", workspace.value())
                .map(this::conversation)
                .one();
    }

    @Override
    public Flux<ConversationRecord> allOf(WorkspaceId workspace, VisitorId visitor) {
        return db.sql(SELECT + " WHERE c.visitor_id = :visitorId AND c.workspace_id = :workspaceId"
                        + " ORDER BY c.created_at, c.id")
                .bind("visitorId", visitor.value())
                .bind("workspaceId", workspace.value())
                .map(this::conversation)
                .all();
    }

    @Override
    public Flux<StoredEvent> events(ConversationId id, long afterSeq, int max) {
        return messageLog.read(id, afterSeq, Long.MAX_VALUE, max);
    }

    private ConversationRecord conversation(Readable row) {
        return new ConversationRecord(new ConversationId(Sql.string(row, "id")),
                new WorkspaceId(Sql.string(row, "workspace_id")), new BotId(Sql.string(row, "bot_id")),
                PostgresVisitorRecords.visitor(fields, row, "v_"),
                ConversationRecord.State.valueOf(Sql.string(row, "state").toUpperCase(Locale.ROOT)),
                Sql.bool(row, "human_handling"), Sql.instant(row, "created_at"), row.get("closed_at", Instant.class),
                Sql.longValue(row, "last_seq"));
    }
}
