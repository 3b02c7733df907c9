package io.parley.core.model;

public record VisitorId(String value) {
    public static final String PREFIX = "v_";

    public VisitorId {
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
