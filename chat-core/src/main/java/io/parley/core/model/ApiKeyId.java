package io.parley.core.model;

public record ApiKeyId(String value) {
    public static final String PREFIX = "ak_";

    public ApiKeyId {
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
