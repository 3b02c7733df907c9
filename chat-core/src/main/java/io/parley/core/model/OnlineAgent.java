package io.parley.core.model;

/** An operator with at least one open agent socket in a workspace. */
public record OnlineAgent(OperatorId operatorId, String name) {
}
