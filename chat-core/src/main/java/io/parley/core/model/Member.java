package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An operator as a member of a workspace: who, with which role, since when. */
public record Member(OperatorId operatorId, @Nullable String email, String displayName, Role role, Instant joinedAt) {
}
