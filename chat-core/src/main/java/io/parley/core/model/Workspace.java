package io.parley.core.model;

public record Workspace(WorkspaceId id, String name) {
}
