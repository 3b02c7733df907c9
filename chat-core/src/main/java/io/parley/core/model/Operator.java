package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A person who works in Parley (owner, manager, agent, viewer). There is no password: operators
 * prove who they are through an {@link Identity}. {@code sessionVersion} grows whenever every
 * session of the operator must end (logout everywhere, a role change, disabling).
 */
public record Operator(OperatorId id, @Nullable String email, String displayName, boolean disabled,
                       long sessionVersion, Instant createdAt) {
}
