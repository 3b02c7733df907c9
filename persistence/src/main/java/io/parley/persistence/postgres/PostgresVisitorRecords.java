package io.parley.persistence.postgres;

import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.VisitorRecords;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Visitors with their personal data in table {@code visitors}, sealed (see {@link Sealed}); the search by
 * e-mail compares blind indexes. An erasure removes what references a
 * visitor: its conversations and their events (the only foreign keys to {@code visitors} and
 * {@code conversations}).
 */
final class PostgresVisitorRecords implements VisitorRecords {

    static final String COLUMNS = "id, workspace_id, created_at, verified, external_id, email, name, phone, ip_address";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final FieldCodec fields;

    PostgresVisitorRecords(DatabaseClient db, TransactionalOperator tx, FieldCodec fields) {
        this.db = db;
        this.tx = tx;
        this.fields = fields;
    }

    @Override
    public Mono<VisitorRecord> find(WorkspaceId workspace, VisitorId id) {
        return db.sql("SELECT " + COLUMNS + " FROM visitors WHERE id = :id AND workspace_id = :workspaceId")
                .bind("id", id.value())
                .bind("workspaceId", workspace.value())
                .map(row -> visitor(fields, row, ""))
                .one();
    }

    @Override
    public Mono<Page<VisitorRecord>> page(WorkspaceId workspace, @Nullable String email, int limit,
                                          @Nullable PageCursor after) {
        Where where = new Where().and("workspace_id = :workspaceId", "workspaceId", workspace.value());
        if (email != null) {
            // e-mails are sealed: the search compares blind indexes (the same for any case and surrounding spaces)
            where.and("email_index = :emailIndex", "emailIndex",
                    fields.index(BlindIndexed.VISITOR_EMAIL, workspace.value(), email));
        }
        if (after != null) {
            where.and("(created_at, id) < (:afterAt, :afterId)", "afterAt", after.at(), "afterId", after.id());
        }
        return where.bind(db.sql("SELECT " + COLUMNS + " FROM visitors" + where.sql()
                                + " ORDER BY created_at DESC, id DESC LIMIT :fetch")
                        .bind("fetch", limit + 1))
                .map(row -> visitor(fields, row, ""))
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, visitor -> new PageCursor(visitor.createdAt(), visitor.id().value())));
    }

    @Override
    public Mono<Erased> erase(WorkspaceId workspace, VisitorId id) {
        // The visitor's row is locked first and then its conversations', so a conversation opened or an event
        // appended meanwhile waits for this transaction and then finds its parent gone, instead of slipping in
        // between the deletes and making one of them fail.
        Mono<Erased> erase = db.sql("SELECT id FROM visitors WHERE id = :id AND workspace_id = :workspaceId FOR UPDATE")
                .bind("id", id.value())
                .bind("workspaceId", workspace.value())
                .map(row -> true)
                .one()
                .flatMap(found -> db.sql("SELECT id FROM conversations WHERE visitor_id = :id FOR UPDATE")
                        .bind("id", id.value())
                        .map(row -> Sql.string(row, "id"))
                        .all()
                        .collectList())
                .flatMap(locked -> db.sql("""
                                DELETE FROM events
                                 WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = :id)""")
                        .bind("id", id.value())
                        .fetch().rowsUpdated()
                        .flatMap(events -> db.sql("DELETE FROM conversations WHERE visitor_id = :id")
                                .bind("id", id.value())
                                .fetch().rowsUpdated()
                                .flatMap(deleted -> db.sql("DELETE FROM visitors WHERE id = :id")
                                        .bind("id", id.value())
                                        .then()
                                        .thenReturn(new Erased(deleted, events)))));
        return tx.transactional(erase);
    }

    /** The visitor of a row whose visitor columns carry {@code prefix} (for joins), its personal data opened. */
    static VisitorRecord visitor(FieldCodec fields, Readable row, String prefix) {
        String id = Sql.string(row, prefix + "id");
        return new VisitorRecord(new VisitorId(id),
                new WorkspaceId(Sql.string(row, prefix + "workspace_id")), Sql.instant(row, prefix + "created_at"),
                Sql.bool(row, prefix + "verified"),
                fields.openNullable(Sealed.VISITOR_EXTERNAL_ID, Sql.nullableBytes(row, prefix + "external_id"), id),
                fields.openNullable(Sealed.VISITOR_EMAIL, Sql.nullableBytes(row, prefix + "email"), id),
                fields.openNullable(Sealed.VISITOR_NAME, Sql.nullableBytes(row, prefix + "name"), id),
                fields.openNullable(Sealed.VISITOR_PHONE, Sql.nullableBytes(row, prefix + "phone"), id),
                fields.openNullable(Sealed.VISITOR_IP_ADDRESS, Sql.nullableBytes(row, prefix + "ip_address"), id));
    }
}
