package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An invitation to join a workspace with a role, redeemed once by an operator signed in with {@code email}. */
public record Invite(String id, WorkspaceId workspace, String email, Role role, OperatorId invitedBy, Instant createdAt,
                     Instant expiresAt, @Nullable Instant acceptedAt, @Nullable Instant revokedAt) {

    public boolean pendingAt(Instant now) {
        return acceptedAt == null && revokedAt == null && now.isBefore(expiresAt);
    }
}
