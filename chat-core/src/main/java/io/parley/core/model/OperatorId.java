package io.parley.core.model;

public record OperatorId(String value) {
    public static final String PREFIX = "o_";

    public OperatorId {
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
