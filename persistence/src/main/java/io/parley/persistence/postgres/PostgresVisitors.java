package io.parley.persistence.postgres;

import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.Visitors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Visitors in table {@code visitors}. What a verified identity says (subject, e-mail, name, phone) and
 * the address are sealed for the visitor's row; the subject and the e-mail also get blind indexes, the
 * subject's unique per workspace (one visitor per site user).
 */
final class PostgresVisitors implements Visitors {
    private static final int MAX_ADDRESS_CHARS = 64;

    private final DatabaseClient db;
    private final Clock clock;
    private final IdGenerator ids;
    private final FieldCodec fields;

    PostgresVisitors(DatabaseClient db, Clock clock, IdGenerator ids, FieldCodec fields) {
        this.db = db;
        this.clock = clock;
        this.ids = ids;
        this.fields = fields;
    }

    @Override
    public Mono<Visitor> create(WorkspaceId workspaceId) {
        return Mono.defer(() -> {
            Visitor visitor = new Visitor(ids.visitorId(), workspaceId, Sql.storable(clock.now()));
            return db.sql("INSERT INTO visitors (id, workspace_id, created_at) VALUES (:id, :workspaceId, :createdAt)")
                    .bind("id", visitor.id().value())
                    .bind("workspaceId", workspaceId.value())
                    .bind("createdAt", visitor.createdAt())
                    .then()
                    .thenReturn(visitor);
        });
    }

    @Override
    public Mono<Visitor> find(VisitorId id) {
        return db.sql("SELECT id, workspace_id, created_at FROM visitors WHERE id = :id")
                .bind("id", id.value())
                .map(row -> new Visitor(new VisitorId(Sql.string(row, "id")),
                        new WorkspaceId(Sql.string(row, "workspace_id")), Sql.instant(row, "created_at")))
                .one();
    }

    @Override
    public Mono<Boolean> identify(VisitorId id, WorkspaceId workspaceId, VerifiedIdentity identity) {
        return Mono.defer(() -> {
            DatabaseClient.GenericExecuteSpec update = db.sql("""
                            UPDATE visitors
                               SET external_id = :subject, external_id_index = :subjectIndex, verified = true,
                                   email = COALESCE(:email, email), email_index = COALESCE(:emailIndex, email_index),
                                   name = COALESCE(:name, name), phone = COALESCE(:phone, phone)
                             WHERE id = :id AND workspace_id = :workspaceId
                               AND (external_id_index = :subjectIndex
                                    OR (external_id_index IS NULL AND NOT EXISTS (SELECT 1 FROM visitors other
                                            WHERE other.workspace_id = :workspaceId
                                              AND other.external_id_index = :subjectIndex)))
                            """)
                    .bind("id", id.value())
                    .bind("workspaceId", workspaceId.value());
            return withIdentity(update, id.value(), workspaceId, identity).fetch().rowsUpdated()
                    .map(rows -> rows > 0)
                    // Another device's hello verified a visitor as this subject at the same moment: that one is theirs.
                    .onErrorResume(DataIntegrityViolationException.class, e -> Mono.just(false));
        });
    }

    @Override
    public Mono<Visitor> findOrCreateVerified(WorkspaceId workspaceId, VerifiedIdentity identity) {
        // Sealed values are bound to their row's id, so the row is found first and then updated, or else
        // inserted; when a concurrent hello inserted it in between, the insert does nothing and the update runs.
        return Mono.defer(() -> {
            byte[] subjectIndex = fields.index(BlindIndexed.VISITOR_EXTERNAL_ID, workspaceId.value(), identity.subject());
            return updateVerified(workspaceId, subjectIndex, identity)
                    .switchIfEmpty(Mono.defer(() -> insertVerified(workspaceId, subjectIndex, identity)))
                    .switchIfEmpty(Mono.defer(() -> updateVerified(workspaceId, subjectIndex, identity)));
        });
    }

    private Mono<Visitor> updateVerified(WorkspaceId workspaceId, byte[] subjectIndex, VerifiedIdentity identity) {
        return db.sql("SELECT id FROM visitors WHERE workspace_id = :workspaceId AND external_id_index = :subjectIndex")
                .bind("workspaceId", workspaceId.value())
                .bind("subjectIndex", subjectIndex)
                .map(row -> Sql.string(row, "id"))
                .one()
                .flatMap(id -> withIdentity(db.sql("""
                                UPDATE visitors
                                   SET external_id = :subject, email = COALESCE(:email, email),
                                       email_index = COALESCE(:emailIndex, email_index),
                                       name = COALESCE(:name, name), phone = COALESCE(:phone, phone)
                                 WHERE id = :id AND external_id_index = :subjectIndex
                                RETURNING id, workspace_id, created_at
                                """).bind("id", id), id, workspaceId, identity)
                        .map(PostgresVisitors::visitor)
                        .one());
    }

    private Mono<Visitor> insertVerified(WorkspaceId workspaceId, byte[] subjectIndex, VerifiedIdentity identity) {
        String id = ids.visitorId().value();
        DatabaseClient.GenericExecuteSpec insert = db.sql("""
                        INSERT INTO visitors (id, workspace_id, created_at, external_id, external_id_index, verified,
                                              email, email_index, name, phone)
                        VALUES (:id, :workspaceId, :createdAt, :subject, :subjectIndex, true,
                                :email, :emailIndex, :name, :phone)
                        ON CONFLICT (workspace_id, external_id_index) WHERE external_id_index IS NOT NULL DO NOTHING
                        RETURNING id, workspace_id, created_at
                        """)
                .bind("id", id)
                .bind("workspaceId", workspaceId.value())
                .bind("createdAt", Sql.storable(clock.now()));
        return withIdentity(insert, id, workspaceId, identity).map(PostgresVisitors::visitor).one();
    }

    @Override
    public Mono<String> externalIdOf(VisitorId id) {
        return db.sql("SELECT external_id FROM visitors WHERE id = :id AND external_id IS NOT NULL")
                .bind("id", id.value())
                .map(row -> fields.open(Sealed.VISITOR_EXTERNAL_ID, Sql.bytes(row, "external_id"), id.value()))
                .one();
    }

    @Override
    public Mono<Void> recordAddress(VisitorId id, String address) {
        return Mono.defer(() -> db.sql("UPDATE visitors SET ip_address = :address WHERE id = :id")
                .bind("id", id.value())
                .bind("address", fields.seal(Sealed.VISITOR_IP_ADDRESS,
                        address.length() > MAX_ADDRESS_CHARS ? address.substring(0, MAX_ADDRESS_CHARS) : address,
                        id.value()))
                .then());
    }

    /** Binds the identity's subject, e-mail, name and phone, sealed for row {@code id}, and their blind indexes. */
    private DatabaseClient.GenericExecuteSpec withIdentity(DatabaseClient.GenericExecuteSpec spec, String id,
                                                          WorkspaceId workspaceId, VerifiedIdentity identity) {
        spec = spec.bind("subject", fields.seal(Sealed.VISITOR_EXTERNAL_ID, identity.subject(), id))
                .bind("subjectIndex", fields.index(BlindIndexed.VISITOR_EXTERNAL_ID, workspaceId.value(),
                        identity.subject()));
        spec = Sql.bindNullable(spec, "email", fields.sealNullable(Sealed.VISITOR_EMAIL, identity.email(), id),
                byte[].class);
        spec = Sql.bindNullable(spec, "emailIndex",
                fields.indexNullable(BlindIndexed.VISITOR_EMAIL, workspaceId.value(), identity.email()), byte[].class);
        spec = Sql.bindNullable(spec, "name", fields.sealNullable(Sealed.VISITOR_NAME, identity.name(), id),
                byte[].class);
        return Sql.bindNullable(spec, "phone", fields.sealNullable(Sealed.VISITOR_PHONE, identity.phone(), id),
                byte[].class);
    }

    private static Visitor visitor(io.r2dbc.spi.Readable row) {
        return new Visitor(new VisitorId(Sql.string(row, "id")), new WorkspaceId(Sql.string(row, "workspace_id")),
                Sql.instant(row, "created_at"));
    }
}
