package io.parley.core.model;

import java.util.Set;

/**
 * A public widget key: it sits in web pages, so it grants nothing by itself beyond talking to its
 * bot from the origins it lists (exact scheme://host:port) and, when allowed, from native clients
 * that send no Origin header.
 */
public record WidgetKey(String key, Bot bot, Set<String> allowedOrigins, boolean allowNativeClients, boolean enabled) {
    public WidgetKey {
        allowedOrigins = Set.copyOf(allowedOrigins);
    }
}
