package io.parley.core.model;

public record WorkspaceId(String value) {
    public static final String PREFIX = "w_";

    public WorkspaceId {
        Ids.require(PREFIX, value);
    }

    public static boolean isValid(String value) {
        return Ids.isValid(PREFIX, value);
    }

    @Override
    public String toString() {
        return value;
    }
}
