package io.parley.core.port;

import io.parley.core.model.Member;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The members of a workspace and changes to them. A workspace always keeps at least one owner: the
 * changes below take the workspace's row lock, so two owners demoting each other at once cannot both
 * succeed. A change to an operator's role or membership ends the operator's sessions.
 */
public interface Members {

    /** Members by joining time, then id. */
    Mono<Page<Member>> page(WorkspaceId workspace, int limit, @Nullable PageCursor after);

    Mono<Member> find(WorkspaceId workspace, OperatorId operator);

    /** Gives the member {@code role}, only if its current role is one of {@code fromRoles}. */
    Mono<Change> changeRole(WorkspaceId workspace, OperatorId operator, Role role, Set<Role> fromRoles);

    /** Removes the member, only if its current role is one of {@code fromRoles}. */
    Mono<Change> remove(WorkspaceId workspace, OperatorId operator, Set<Role> fromRoles);

    /** What became of a change; {@code previous} is the role before it (null when not a member). */
    record Change(Outcome outcome, @Nullable Role previous) {
    }

    enum Outcome {
        DONE,
        NOT_A_MEMBER,
        /** The member's current role is not one the caller may change. */
        ROLE_NOT_ALLOWED,
        /** It would leave the workspace without an owner. */
        LAST_OWNER
    }
}
