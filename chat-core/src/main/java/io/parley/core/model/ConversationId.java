package io.parley.core.model;

public record ConversationId(String value) {
    public static final String PREFIX = "c_";

    public ConversationId {
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
