package io.parley.core.port;

import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Mono;

public interface Visitors {

    Mono<Visitor> create(WorkspaceId workspaceId);

    Mono<Visitor> find(VisitorId id);

    /**
     * Makes the workspace's visitor the identity's: an unverified one becomes verified as the identity's
     * subject, one verified as that subject already has its personal data refreshed. False, changing
     * nothing, when the visitor is verified as another subject, another visitor is verified as this
     * subject, or the workspace has no such visitor.
     */
    Mono<Boolean> identify(VisitorId id, WorkspaceId workspaceId, VerifiedIdentity identity);

    /**
     * The workspace's visitor verified as the identity's subject, its personal data refreshed from the
     * identity; a new verified visitor when there is none.
     */
    Mono<Visitor> findOrCreateVerified(WorkspaceId workspaceId, VerifiedIdentity identity);

    /** The site user id the visitor is verified as; empty when it is unverified or unknown. */
    Mono<String> externalIdOf(VisitorId id);

    /** Keeps the address the visitor last connected from (personal data). */
    Mono<Void> recordAddress(VisitorId id, String address);
}
