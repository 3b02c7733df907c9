package io.parley.core.port;

import io.parley.core.model.Invite;
import io.parley.core.model.Membership;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Invitations to workspaces; the token itself is never stored, only its hash. */
public interface Invites {

    Mono<Invite> create(WorkspaceId workspace, String email, Role role, OperatorId invitedBy, byte[] tokenHash,
                        Instant expiresAt);

    /** The workspace's invites that can still be accepted, oldest first. */
    Flux<Invite> pending(WorkspaceId workspace, Instant now);

    /** Revokes a pending invite of the workspace; false when there is none with this id. */
    Mono<Boolean> revoke(WorkspaceId workspace, String inviteId, Instant at);

    /** The invite with this token hash, whatever its state; empty when unknown. */
    Mono<Invite> findByTokenHash(byte[] tokenHash);

    /**
     * Accepts the pending invite for {@code operator}: marks it accepted and grants its role, in one
     * transaction; of two racing accepts exactly one wins. Empty when the invite is no longer pending or
     * the operator is already a member of the workspace.
     */
    Mono<Membership> accept(String inviteId, OperatorId operator, Instant now);
}
