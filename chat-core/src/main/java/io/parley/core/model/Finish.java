package io.parley.core.model;

import java.util.Locale;

/** How a bot reply ended. */
public enum Finish {
    STOP, CANCELLED, LENGTH, ERROR, INTERRUPTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Finish fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
