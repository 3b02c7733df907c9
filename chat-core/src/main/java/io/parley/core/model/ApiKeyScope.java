package io.parley.core.model;

import java.util.Arrays;
import java.util.Optional;

/** What a server API key may do; its wire form is {@code resource:access}. */
public enum ApiKeyScope {
    CONVERSATIONS_READ("conversations:read"),
    CONVERSATIONS_WRITE("conversations:write"),
    KNOWLEDGE_READ("knowledge:read"),
    KNOWLEDGE_WRITE("knowledge:write"),
    BOTS_READ("bots:read"),
    BOTS_WRITE("bots:write"),
    VISITORS_READ("visitors:read"),
    VISITORS_EXPORT("visitors:export"),
    VISITORS_DELETE("visitors:delete"),
    /** Unmasked visitor e-mail, name, phone and IP wherever the key reads visitors. */
    PERSONAL_DATA_READ("personal-data:read");

    private final String wire;

    ApiKeyScope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ApiKeyScope> fromWire(String wire) {
        return Arrays.stream(values()).filter(scope -> scope.wire.equals(wire)).findFirst();
    }
}
