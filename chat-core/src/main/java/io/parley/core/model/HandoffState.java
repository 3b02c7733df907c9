package io.parley.core.model;

import java.util.Locale;

public enum HandoffState {
    REQUESTED, ASSIGNED, RELEASED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HandoffState fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
