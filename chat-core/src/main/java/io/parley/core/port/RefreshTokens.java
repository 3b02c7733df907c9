package io.parley.core.port;

import io.parley.core.model.OperatorId;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Opaque refresh tokens, stored hashed, rotated on every use. Each login starts a family; a token
 * used a second time means it leaked, and the whole family is revoked.
 */
public interface RefreshTokens {

    Mono<Void> store(byte[] tokenHash, String familyId, OperatorId operator, long sessionVersion, Instant expiresAt);

    /**
     * Uses a token up. {@link Use.Valid} when it was unused, unexpired and its family is alive;
     * {@link Use.Reused} (and the family is now revoked) when it had been used before;
     * {@link Use.Invalid} when unknown, expired or revoked.
     */
    Mono<Use> use(byte[] tokenHash, Instant now);

    Mono<Void> revokeFamily(String familyId);

    /** Revokes the family the token belongs to, whether the token was used or not; nothing for an unknown one. */
    Mono<Void> revokeFamilyOf(byte[] tokenHash);

    /** Whether the session family has ended (logout, reuse); an unknown family counts as ended. */
    Mono<Boolean> isRevoked(String familyId);

    sealed interface Use {
        record Valid(String familyId, OperatorId operator, long sessionVersion) implements Use {
        }

        record Reused(String familyId, OperatorId operator) implements Use {
        }

        record Invalid() implements Use {
        }
    }
}
