package io.parley.core.model;

public record BotId(String value) {
    public static final String PREFIX = "b_";

    public BotId {
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
