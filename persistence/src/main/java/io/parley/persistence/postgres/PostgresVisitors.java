package io.parley.persistence.postgres;

import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.Visitors;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

final class PostgresVisitors implements Visitors {

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
}
