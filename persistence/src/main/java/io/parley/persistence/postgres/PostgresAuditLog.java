package io.parley.persistence.postgres;

import io.parley.core.model.AuditRecord;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.AuditLog;
import io.r2dbc.spi.Readable;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The audit events of a workspace, by {@code audit_events.workspace_id}. */
final class PostgresAuditLog implements AuditLog {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {
    };

    private final DatabaseClient db;

    PostgresAuditLog(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Page<AuditRecord>> page(WorkspaceId workspace, Filter filter, int limit, @Nullable Long beforeId) {
        Where where = new Where().and("workspace_id = :workspaceId", "workspaceId", workspace.value());
        if (filter.kind() != null) {
            where.and("kind = :kind", "kind", filter.kind().wire());
        }
        if (filter.operator() != null) {
            where.and("operator_id = :operator", "operator", filter.operator().value());
        }
        if (filter.from() != null) {
            where.and("at >= :from", "from", filter.from());
        }
        if (filter.to() != null) {
            where.and("at < :to", "to", filter.to());
        }
        if (beforeId != null) {
            where.and("id < :beforeId", "beforeId", beforeId);
        }
        return where.bind(db.sql("SELECT id, at, kind, operator_id, client_address, details FROM audit_events"
                                + where.sql() + " ORDER BY id DESC LIMIT :fetch")
                        .bind("fetch", limit + 1))
                .map(PostgresAuditLog::record)
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, event -> new PageCursor(event.at(), Long.toString(event.id()))));
    }

    private static AuditRecord record(Readable row) {
        String operator = Sql.nullableString(row, "operator_id");
        return new AuditRecord(Sql.longValue(row, "id"), Sql.instant(row, "at"), Sql.string(row, "kind"),
                operator == null ? null : new OperatorId(operator), Sql.nullableString(row, "client_address"),
                JSON.readValue(Sql.string(row, "details"), DETAILS));
    }
}
