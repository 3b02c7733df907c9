package io.parley.core.port;

import io.parley.core.model.ApiKey;
import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.WorkspaceId;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Server API keys of workspaces, stored by a keyed hash of the key only. */
public interface ApiKeys {

    Mono<ApiKey> create(WorkspaceId workspace, String name, Set<ApiKeyScope> scopes, @Nullable Instant expiresAt,
                        byte[] keyHash, String prefix);

    /** The key with this hash, whether valid or not (see {@link ApiKey#validAt}); empty when unknown. */
    Mono<ApiKey> findByHash(byte[] keyHash);

    /**
     * Revokes the workspace's key (a second revocation keeps the first instant). False when the workspace
     * has no such key.
     */
    Mono<Boolean> revoke(WorkspaceId workspace, ApiKeyId id, Instant at);

    /**
     * Replaces a valid key of the workspace with a new one of the same name, scopes and expiry; the old key
     * stays valid until {@code oldValidUntil} (or its own earlier expiry), so that clients can move over.
     * Empty when the workspace has no such key that is valid and not already rotated.
     */
    Mono<ApiKey> rotate(WorkspaceId workspace, ApiKeyId id, Instant oldValidUntil, byte[] keyHash, String prefix);

    /** The workspace's keys, revoked and expired ones included, oldest first. */
    Flux<ApiKey> list(WorkspaceId workspace);
}
