package io.parley.core.model;

public record MessageId(String value) {
    public static final String PREFIX = "m_";

    public MessageId {
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
