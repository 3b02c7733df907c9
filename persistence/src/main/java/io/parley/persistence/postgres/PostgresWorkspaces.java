package io.parley.persistence.postgres;

import io.parley.core.model.Membership;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.Workspaces;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * Workspaces in table {@code workspaces} and roles in {@code memberships}. A grant locks the operator's row,
 * so the grants of one operator run one after another on any number of nodes and each sees the role it
 * replaces.
 */
final class PostgresWorkspaces implements Workspaces {

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    PostgresWorkspaces(DatabaseClient db, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Mono<Workspace> find(WorkspaceId id) {
        return db.sql("SELECT id, name FROM workspaces WHERE id = :id")
                .bind("id", id.value())
                .map(row -> new Workspace(new WorkspaceId(Sql.string(row, "id")), Sql.string(row, "name")))
                .one();
    }

    @Override
    public Mono<Workspace> createOwnedBy(String name, OperatorId owner) {
        // Failure policy: an unknown owner fails the membership's foreign key and rolls the workspace back.
        return tx.transactional(Mono.defer(() -> {
            Workspace workspace = new Workspace(SecureIds.workspaceId(), name);
            Instant now = Sql.storable(clock.now());
            return db.sql("INSERT INTO workspaces (id, name, created_at) VALUES (:id, :name, :createdAt)")
                    .bind("id", workspace.id().value())
                    .bind("name", name)
                    .bind("createdAt", now)
                    .then()
                    .then(insertMembership(owner, workspace.id(), Role.OWNER, now))
                    .thenReturn(workspace);
        }));
    }

    @Override
    public Mono<Workspace> rename(WorkspaceId id, String name) {
        return db.sql("UPDATE workspaces SET name = :name WHERE id = :id RETURNING id, name")
                .bind("id", id.value())
                .bind("name", name)
                .map(row -> new Workspace(new WorkspaceId(Sql.string(row, "id")), Sql.string(row, "name")))
                .one();
    }

    @Override
    public Flux<Membership> membershipsOf(OperatorId operator) {
        return db.sql("""
                        SELECT operator_id, workspace_id, role
                          FROM memberships
                         WHERE operator_id = :operatorId
                         ORDER BY created_at, workspace_id""")
                .bind("operatorId", operator.value())
                .map(PostgresWorkspaces::membership)
                .all();
    }

    @Override
    public Mono<Membership> grant(OperatorId operator, WorkspaceId workspace, Role role) {
        // Granting the role an operator already has changes nothing; a new membership adds a role and ends no
        // session; replacing a role ends every session of the operator in the same transaction.
        Membership membership = new Membership(operator, workspace, role);
        return tx.transactional(lockOperator(operator)
                .then(currentRole(operator, workspace).map(Role::wire).defaultIfEmpty(""))
                .flatMap(current -> {
                    if (current.equals(role.wire())) {
                        return Mono.just(membership);
                    }
                    Mono<Void> upsert = db.sql("""
                                    INSERT INTO memberships (operator_id, workspace_id, role, created_at)
                                    VALUES (:operatorId, :workspaceId, :role, :createdAt)
                                    ON CONFLICT (operator_id, workspace_id) DO UPDATE SET role = EXCLUDED.role""")
                            .bind("operatorId", operator.value())
                            .bind("workspaceId", workspace.value())
                            .bind("role", role.wire())
                            .bind("createdAt", Sql.storable(clock.now()))
                            .then();
                    Mono<Void> endSessions = current.isEmpty()
                            ? Mono.empty()
                            : db.sql("UPDATE operators SET session_version = session_version + 1 WHERE id = :id")
                                    .bind("id", operator.value())
                                    .then();
                    return upsert.then(endSessions).thenReturn(membership);
                }));
    }

    private Mono<Void> lockOperator(OperatorId operator) {
        return db.sql("SELECT id FROM operators WHERE id = :id FOR UPDATE")
                .bind("id", operator.value())
                .map(row -> Sql.string(row, "id"))
                .one()
                .switchIfEmpty(Mono.error(() -> new IllegalArgumentException("unknown operator " + operator)))
                .then();
    }

    private Mono<Role> currentRole(OperatorId operator, WorkspaceId workspace) {
        return db.sql("SELECT role FROM memberships WHERE operator_id = :operatorId AND workspace_id = :workspaceId")
                .bind("operatorId", operator.value())
                .bind("workspaceId", workspace.value())
                .map(row -> Role.fromWire(Sql.string(row, "role")))
                .one();
    }

    private Mono<Void> insertMembership(OperatorId operator, WorkspaceId workspace, Role role, Instant createdAt) {
        return db.sql("""
                        INSERT INTO memberships (operator_id, workspace_id, role, created_at)
                        VALUES (:operatorId, :workspaceId, :role, :createdAt)""")
                .bind("operatorId", operator.value())
                .bind("workspaceId", workspace.value())
                .bind("role", role.wire())
                .bind("createdAt", createdAt)
                .then();
    }

    private static Membership membership(Readable row) {
        return new Membership(new OperatorId(Sql.string(row, "operator_id")),
                new WorkspaceId(Sql.string(row, "workspace_id")), Role.fromWire(Sql.string(row, "role")));
    }
}
