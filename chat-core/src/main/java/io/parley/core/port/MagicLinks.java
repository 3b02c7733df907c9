package io.parley.core.port;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Single-use login links. Only a hash of each token is stored; the token itself exists in the
 * e-mail alone.
 */
public interface MagicLinks {

    Mono<Void> store(byte[] tokenHash, String email, Instant expiresAt);

    /** The link's e-mail while it may still be redeemed (unused, unexpired); consumes nothing. */
    Mono<String> peek(byte[] tokenHash, Instant now);

    /**
     * Uses the link up and returns its e-mail, atomically: of any number of redemptions racing on
     * any nodes, one gets the e-mail and the others nothing. Empty when used, expired or unknown.
     */
    Mono<String> redeem(byte[] tokenHash, Instant now);
}
