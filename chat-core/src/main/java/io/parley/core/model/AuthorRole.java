package io.parley.core.model;

import java.util.Locale;

public enum AuthorRole {
    VISITOR, BOT, AGENT, SYSTEM;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthorRole fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
