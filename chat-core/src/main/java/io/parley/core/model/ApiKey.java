package io.parley.core.model;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A server API key of a workspace, as stored: never the key itself, only its first characters
 * ({@code prefix}, for telling keys apart in a list). No {@code expiresAt}: it never expires. A rotated key
 * names its successor in {@code rotatedTo} and stays valid until its (shortened) {@code expiresAt}.
 */
public record ApiKey(ApiKeyId id, WorkspaceId workspace, String name, String prefix, Set<ApiKeyScope> scopes,
                     Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant revokedAt,
                     @Nullable ApiKeyId rotatedTo) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    /** The first instant the key no longer authenticates: its revocation or expiry, whichever comes first. */
    public @Nullable Instant notValidAfter() {
        if (revokedAt == null) {
            return expiresAt;
        }
        return expiresAt == null || revokedAt.isBefore(expiresAt) ? revokedAt : expiresAt;
    }

    public boolean validAt(Instant now) {
        Instant end = notValidAfter();
        return end == null || now.isBefore(end);
    }
}
