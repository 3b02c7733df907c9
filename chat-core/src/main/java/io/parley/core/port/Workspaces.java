package io.parley.core.port;

import io.parley.core.model.Membership;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Workspaces and who works in them. */
public interface Workspaces {

    Mono<Workspace> find(WorkspaceId id);

    /** Creates a workspace with {@code owner} as its owner (sign-up). */
    Mono<Workspace> createOwnedBy(String name, OperatorId owner);

    Flux<Membership> membershipsOf(OperatorId operator);

    /** Renames the workspace; empty when there is none. */
    Mono<Workspace> rename(WorkspaceId id, String name);

    /**
     * Gives the operator a role in the workspace (replacing any other). A changed role ends the
     * operator's sessions, so that sockets and tokens of the old role stop working.
     */
    Mono<Membership> grant(OperatorId operator, WorkspaceId workspace, Role role);
}
