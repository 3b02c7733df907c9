package io.parley.persistence.postgres;

import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Inbox;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Summaries from {@code conversations}, {@code visitors} and each conversation's newest message, newest
 * handoff and newest event (three index look-ups on the events' primary key, newest first). The open list
 * computes them for every open conversation of the workspace before it sorts by activity: fine while a
 * workspace has thousands of open conversations, not millions (then an updated_at column would pay off).
 */
final class PostgresInbox implements Inbox {

    private static final String SELECT = """
            SELECT c.id, c.workspace_id, c.bot_id, c.human_handling, c.last_seq, c.created_at,
                   v.id AS v_id, v.workspace_id AS v_workspace_id, v.created_at AS v_created_at,
                   v.verified AS v_verified, v.external_id AS v_external_id, v.email AS v_email, v.name AS v_name,
                   v.phone AS v_phone, v.ip_address AS v_ip_address,
                   m.seq AS m_seq, m.author_role AS m_role, m.author_name AS m_name, m.text AS m_text,
                   m.created_at AS m_created_at,
                   h.handoff_state AS h_state, h.agent_name AS h_agent,
                   COALESCE(l.created_at, c.created_at) AS updated_at
              FROM conversations c
              JOIN visitors v ON v.id = c.visitor_id
              LEFT JOIN LATERAL (SELECT seq, author_role, author_name, text, created_at FROM events
                                  WHERE conversation_id = c.id AND kind = 'message'
                                  ORDER BY seq DESC LIMIT 1) m ON true
              LEFT JOIN LATERAL (SELECT handoff_state, agent_name FROM events
                                  WHERE conversation_id = c.id AND kind = 'handoff'
                                  ORDER BY seq DESC LIMIT 1) h ON true
              LEFT JOIN LATERAL (SELECT created_at FROM events
                                  WHERE conversation_id = c.id AND seq = c.last_seq) l ON true""";

    private final DatabaseClient db;
    private final FieldCodec fields;

    PostgresInbox(DatabaseClient db, FieldCodec fields) {
        this.db = db;
        this.fields = fields;
    }

    @Override
    public Flux<ConversationSummary> open(WorkspaceId workspace, int limit) {
        return db.sql(SELECT + "\n" + """
                         WHERE c.workspace_id = :workspaceId AND c.state = 'open'
                         ORDER BY updated_at DESC, c.id DESC LIMIT :limit""")
                .bind("workspaceId", workspace.value())
                .bind("limit", limit)
                .map(this::summary)
                .all();
    }

    @Override
    public Mono<ConversationSummary> summary(ConversationId conversation) {
        return db.sql(SELECT + " WHERE c.id = :id")
                .bind("id", conversation.value())
                .map(this::summary)
                .one();
    }

    private ConversationSummary summary(Readable row) {
        String role = Sql.nullableString(row, "m_role");
        String id = Sql.string(row, "id");
        ConversationSummary.LastMessage last = role == null ? null : new ConversationSummary.LastMessage(
                AuthorRole.fromWire(role), Sql.string(row, "m_name"),
                fields.open(Sealed.EVENT_TEXT, Sql.bytes(row, "m_text"), id, Sql.longValue(row, "m_seq")),
                Sql.instant(row, "m_created_at"));
        String handoff = Sql.nullableString(row, "h_state");
        return new ConversationSummary(new ConversationId(id),
                new WorkspaceId(Sql.string(row, "workspace_id")), new BotId(Sql.string(row, "bot_id")),
                PostgresVisitorRecords.visitor(fields, row, "v_"), Sql.longValue(row, "last_seq"), last,
                Sql.bool(row, "human_handling"), handoff == null ? null : HandoffState.fromWire(handoff),
                Sql.nullableString(row, "h_agent"), Sql.instant(row, "updated_at"));
    }
}
