package io.parley.core.model;

public record Membership(OperatorId operatorId, WorkspaceId workspaceId, Role role) {
}
