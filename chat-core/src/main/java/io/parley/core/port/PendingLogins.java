package io.parley.core.port;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Login requests waiting for an identity provider's answer, on whichever node the answer arrives:
 * put once, taken at most once, gone after their lifetime.
 */
public interface PendingLogins {

    Mono<Void> put(String id, String request, Duration lifetime);

    /** The request, removed in the same step; empty when unknown, taken or expired. */
    Mono<String> take(String id);
}
