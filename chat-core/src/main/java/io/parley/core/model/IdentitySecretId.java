package io.parley.core.model;

public record IdentitySecretId(String value) {
    public static final String PREFIX = "is_";

    public IdentitySecretId {
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
