package io.parley.core.model;

import java.util.Locale;

/** An operator's role in a workspace, most powerful first. */
public enum Role {
    OWNER, MANAGER, AGENT,
    /** Sees conversations but never a visitor's personal data. */
    VIEWER;

    public boolean seesPersonalData() {
        return this != VIEWER;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
