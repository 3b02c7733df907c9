package io.parley.persistence.postgres;

import io.parley.core.model.Invite;
import io.parley.core.model.Membership;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Invites;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Invites in table {@code invites}, found by the SHA-256 of their token; the invitee's e-mail is sealed. */
final class PostgresInvites implements Invites {
    private static final String COLUMNS = "id, workspace_id, email, role, invited_by, created_at, expires_at, "
            + "accepted_at, revoked_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final FieldCodec fields;

    PostgresInvites(DatabaseClient db, TransactionalOperator tx, FieldCodec fields) {
        this.db = db;
        this.tx = tx;
        this.fields = fields;
    }

    @Override
    public Mono<Invite> create(WorkspaceId workspace, String email, Role role, OperatorId invitedBy, byte[] tokenHash,
                               Instant expiresAt) {
        return Mono.defer(() -> {
            String id = SecureIds.inviteId();
            return db.sql("INSERT INTO invites (id, workspace_id, email, role, token_hash, invited_by, "
                        + "created_at, expires_at) VALUES (:id, :workspaceId, :email, :role, :tokenHash, :invitedBy, "
                        + "now(), :expiresAt) RETURNING " + COLUMNS)
                .bind("id", id)
                .bind("workspaceId", workspace.value())
                .bind("email", fields.seal(Sealed.INVITE_EMAIL, email, id))
                .bind("role", role.wire())
                .bind("tokenHash", tokenHash)
                .bind("invitedBy", invitedBy.value())
                .bind("expiresAt", Sql.storable(expiresAt))
                .map(this::invite)
                .one();
        });
    }

    @Override
    public Flux<Invite> pending(WorkspaceId workspace, Instant now) {
        return db.sql("SELECT " + COLUMNS + " FROM invites WHERE workspace_id = :workspaceId AND accepted_at IS NULL"
                        + " AND revoked_at IS NULL AND expires_at > :now ORDER BY created_at, id")
                .bind("workspaceId", workspace.value())
                .bind("now", Sql.storable(now))
                .map(this::invite)
                .all();
    }

    @Override
    public Mono<Boolean> revoke(WorkspaceId workspace, String inviteId, Instant at) {
        return db.sql("UPDATE invites SET revoked_at = :at WHERE id = :id AND workspace_id = :workspaceId"
                        + " AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id")
                .bind("at", Sql.storable(at))
                .bind("id", inviteId)
                .bind("workspaceId", workspace.value())
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<Invite> findByTokenHash(byte[] tokenHash) {
        return db.sql("SELECT " + COLUMNS + " FROM invites WHERE token_hash = :tokenHash")
                .bind("tokenHash", tokenHash)
                .map(this::invite)
                .one();
    }

    @Override
    public Mono<Membership> accept(String inviteId, OperatorId operator, Instant now) {
        // The conditional UPDATE lets one of racing accepts through; ON CONFLICT DO NOTHING keeps an existing
        // role (a member accepting an invite is refused, and the transaction rolls the acceptance back).
        return tx.transactional(db.sql("""
                        UPDATE invites SET accepted_at = :now, accepted_by = :operator
                         WHERE id = :id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now
                        RETURNING workspace_id, role""")
                .bind("now", Sql.storable(now))
                .bind("operator", operator.value())
                .bind("id", inviteId)
                .map(row -> new Membership(operator, new WorkspaceId(Sql.string(row, "workspace_id")),
                        Role.fromWire(Sql.string(row, "role"))))
                .one()
                .flatMap(membership -> db.sql("""
                                INSERT INTO memberships (operator_id, workspace_id, role, created_at)
                                VALUES (:operator, :workspace, :role, :now)
                                ON CONFLICT (operator_id, workspace_id) DO NOTHING RETURNING operator_id""")
                        .bind("operator", operator.value())
                        .bind("workspace", membership.workspaceId().value())
                        .bind("role", membership.role().wire())
                        .bind("now", Sql.storable(now))
                        .map(row -> membership)
                        .one()
                        .switchIfEmpty(Mono.error(AlreadyMember::new))))
                .onErrorResume(AlreadyMember.class, e -> Mono.empty());
    }

    /** Rolls an acceptance back when the operator is a member already. */
    private static final class AlreadyMember extends RuntimeException {
        AlreadyMember() {
            super(null, null, false, false);
        }
    }

    private Invite invite(Readable row) {
        String id = Sql.string(row, "id");
        return new Invite(id, new WorkspaceId(Sql.string(row, "workspace_id")),
                fields.open(Sealed.INVITE_EMAIL, Sql.bytes(row, "email"), id), Role.fromWire(Sql.string(row, "role")),
                new OperatorId(Sql.string(row, "invited_by")), Sql.instant(row, "created_at"),
                Sql.instant(row, "expires_at"), row.get("accepted_at", Instant.class), row.get("revoked_at", Instant.class));
    }
}
