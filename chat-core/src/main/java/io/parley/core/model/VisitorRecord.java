package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A visitor as administrators read it, with its personal data (set from a verified identity, else
 * absent). Whoever sends this out masks the personal fields for callers that may not see them.
 */
public record VisitorRecord(VisitorId id, WorkspaceId workspaceId, Instant createdAt, boolean verified,
                            @Nullable String externalId, @Nullable String email, @Nullable String name,
                            @Nullable String phone, @Nullable String ipAddress) {
}
