package io.parley.persistence.postgres;

import io.parley.core.model.Member;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Members;
import io.r2dbc.spi.Readable;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Members from {@code memberships} joined with {@code operators}. Changes lock the workspace's row first,
 * so the last-owner check and the change happen as one step on any number of nodes.
 */
final class PostgresMembers implements Members {
    private static final String SELECT = """
            SELECT m.operator_id, o.email, o.display_name, m.role, m.created_at
              FROM memberships m JOIN operators o ON o.id = m.operator_id
            """;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final FieldCodec fields;

    PostgresMembers(DatabaseClient db, TransactionalOperator tx, FieldCodec fields) {
        this.db = db;
        this.tx = tx;
        this.fields = fields;
    }

    @Override
    public Mono<Page<Member>> page(WorkspaceId workspace, int limit, @Nullable PageCursor after) {
        var query = db.sql(SELECT + " WHERE m.workspace_id = :workspaceId"
                        + (after == null ? "" : " AND (m.created_at, m.operator_id) > (:afterAt, :afterId)")
                        + " ORDER BY m.created_at, m.operator_id LIMIT :limit")
                .bind("workspaceId", workspace.value())
                .bind("limit", limit + 1);
        if (after != null) {
            query = query.bind("afterAt", after.at()).bind("afterId", after.id());
        }
        return query.map(this::member).all().collectList()
                .map(rows -> Page.of(rows, limit, member -> new PageCursor(member.joinedAt(), member.operatorId().value())));
    }

    @Override
    public Mono<Member> find(WorkspaceId workspace, OperatorId operator) {
        return db.sql(SELECT + " WHERE m.workspace_id = :workspaceId AND m.operator_id = :operatorId")
                .bind("workspaceId", workspace.value())
                .bind("operatorId", operator.value())
                .map(this::member)
                .one();
    }

    @Override
    public Mono<Change> changeRole(WorkspaceId workspace, OperatorId operator, Role role, Set<Role> fromRoles) {
        return change(workspace, operator, fromRoles, role, db.sql("""
                        UPDATE memberships SET role = :role WHERE workspace_id = :workspaceId AND operator_id = :operatorId""")
                .bind("role", role.wire()));
    }

    @Override
    public Mono<Change> remove(WorkspaceId workspace, OperatorId operator, Set<Role> fromRoles) {
        return change(workspace, operator, fromRoles, null, db.sql("""
                DELETE FROM memberships WHERE workspace_id = :workspaceId AND operator_id = :operatorId"""));
    }

    /** {@code newRole} null: the member leaves. */
    private Mono<Change> change(WorkspaceId workspace, OperatorId operator, Set<Role> fromRoles, @Nullable Role newRole,
                                DatabaseClient.GenericExecuteSpec statement) {
        return tx.transactional(db.sql("SELECT id FROM workspaces WHERE id = :id FOR UPDATE")
                .bind("id", workspace.value())
                .map(row -> Sql.string(row, "id"))
                .one()
                .then(currentRole(workspace, operator).map(role -> (Object) role).defaultIfEmpty(""))
                .flatMap(found -> {
                    if (!(found instanceof Role current)) {
                        return Mono.just(new Change(Outcome.NOT_A_MEMBER, null));
                    }
                    if (!fromRoles.contains(current)) {
                        return Mono.just(new Change(Outcome.ROLE_NOT_ALLOWED, current));
                    }
                    if (current == newRole) {
                        return Mono.just(new Change(Outcome.DONE, current));
                    }
                    Mono<Boolean> keepsAnOwner = current != Role.OWNER ? Mono.just(true) : otherOwners(workspace, operator);
                    return keepsAnOwner.flatMap(keeps -> !keeps
                            ? Mono.just(new Change(Outcome.LAST_OWNER, current))
                            : statement.bind("workspaceId", workspace.value()).bind("operatorId", operator.value()).then()
                                    // tokens and sockets of the old role stop working
                                    .then(db.sql("UPDATE operators SET session_version = session_version + 1 WHERE id = :id")
                                            .bind("id", operator.value()).then())
                                    .thenReturn(new Change(Outcome.DONE, current)));
                }));
    }

    private Mono<Role> currentRole(WorkspaceId workspace, OperatorId operator) {
        return db.sql("SELECT role FROM memberships WHERE workspace_id = :workspaceId AND operator_id = :operatorId")
                .bind("workspaceId", workspace.value())
                .bind("operatorId", operator.value())
                .map(row -> Role.fromWire(Sql.string(row, "role")))
                .one();
    }

    private Mono<Boolean> otherOwners(WorkspaceId workspace, OperatorId operator) {
        return db.sql("""
                        SELECT count(*) AS owners FROM memberships
                         WHERE workspace_id = :workspaceId AND role = 'owner' AND operator_id <> :operatorId""")
                .bind("workspaceId", workspace.value())
                .bind("operatorId", operator.value())
                .map(row -> Sql.longValue(row, "owners"))
                .one()
                .map(owners -> owners > 0);
    }

    private Member member(Readable row) {
        String operator = Sql.string(row, "operator_id");
        return new Member(new OperatorId(operator),
                fields.openNullable(Sealed.OPERATOR_EMAIL, Sql.nullableBytes(row, "email"), operator),
                Sql.string(row, "display_name"), Role.fromWire(Sql.string(row, "role")), Sql.instant(row, "created_at"));
    }
}
