package io.parley.core.port;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

public interface Operators {

    Mono<Operator> find(OperatorId id);

    /** The operator this identity belongs to, empty when none does. */
    Mono<Operator> findByIdentity(Identity identity);

    /**
     * The operator of this identity, created (with the identity) when there is none. Two calls
     * racing for one identity, on any nodes, end with one operator.
     */
    Mono<Operator> findOrCreate(Identity identity, @Nullable String email, String displayName);

    /** Ends every session of the operator: returns the new session version. */
    Mono<Long> endAllSessions(OperatorId id);
}
