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

final class PostgresVisitors implements Visitors {
    private static final int MAX_ADDRESS_CHARS = 64;

    private final DatabaseClient db;
    private final Clock clock;
    private final IdGenerator ids;

    PostgresVisitors(DatabaseClient db, Clock clock, IdGenerator ids) {
        this.db = db;
        this.clock = clock;
        this.ids = ids;
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
        DatabaseClient.GenericExecuteSpec update = db.sql("""
                        UPDATE visitors
                           SET external_id = :subject, verified = true,
                               email = COALESCE(:email, email), name = COALESCE(:name, name),
                               phone = COALESCE(:phone, phone)
                         WHERE id = :id AND workspace_id = :workspaceId
                           AND (external_id = :subject
                                OR (external_id IS NULL AND NOT EXISTS (SELECT 1 FROM visitors other
                                        WHERE other.workspace_id = :workspaceId AND other.external_id = :subject)))
                        """)
                .bind("id", id.value())
                .bind("workspaceId", workspaceId.value());
        return withIdentity(update, identity).fetch().rowsUpdated()
                .map(rows -> rows > 0)
                // Another device's hello verified a visitor as this subject at the same moment: that one is theirs.
                .onErrorResume(DataIntegrityViolationException.class, e -> Mono.just(false));
    }

    @Override
    public Mono<Visitor> findOrCreateVerified(WorkspaceId workspaceId, VerifiedIdentity identity) {
        return Mono.defer(() -> {
            DatabaseClient.GenericExecuteSpec upsert = db.sql("""
                            INSERT INTO visitors (id, workspace_id, created_at, external_id, verified, email, name, phone)
                            VALUES (:id, :workspaceId, :createdAt, :subject, true, :email, :name, :phone)
                            ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL
                            DO UPDATE SET email = COALESCE(EXCLUDED.email, visitors.email),
                                          name = COALESCE(EXCLUDED.name, visitors.name),
                                          phone = COALESCE(EXCLUDED.phone, visitors.phone)
                            RETURNING id, workspace_id, created_at
                            """)
                    .bind("id", ids.visitorId().value())
                    .bind("workspaceId", workspaceId.value())
                    .bind("createdAt", Sql.storable(clock.now()));
            return withIdentity(upsert, identity)
                    .map(row -> new Visitor(new VisitorId(Sql.string(row, "id")),
                            new WorkspaceId(Sql.string(row, "workspace_id")), Sql.instant(row, "created_at")))
                    .one();
        });
    }

    @Override
    public Mono<String> externalIdOf(VisitorId id) {
        return db.sql("SELECT external_id FROM visitors WHERE id = :id AND external_id IS NOT NULL")
                .bind("id", id.value())
                .map(row -> Sql.string(row, "external_id"))
                .one();
    }

    @Override
    public Mono<Void> recordAddress(VisitorId id, String address) {
        return db.sql("UPDATE visitors SET ip_address = :address WHERE id = :id")
                .bind("id", id.value())
                .bind("address", address.length() > MAX_ADDRESS_CHARS ? address.substring(0, MAX_ADDRESS_CHARS) : address)
                .then();
    }

    private static DatabaseClient.GenericExecuteSpec withIdentity(DatabaseClient.GenericExecuteSpec spec,
                                                                 VerifiedIdentity identity) {
        spec = spec.bind("subject", identity.subject());
        spec = Sql.bindNullable(spec, "email", identity.email(), String.class);
        spec = Sql.bindNullable(spec, "name", identity.name(), String.class);
        return Sql.bindNullable(spec, "phone", identity.phone(), String.class);
    }
}
