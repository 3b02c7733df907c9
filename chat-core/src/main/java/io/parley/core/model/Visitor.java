package io.parley.core.model;

import java.time.Instant;

public record Visitor(VisitorId id, WorkspaceId workspaceId, Instant createdAt) {
}
