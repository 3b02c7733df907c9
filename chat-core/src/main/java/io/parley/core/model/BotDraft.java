package io.parley.core.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A bot's settings to store, already validated (origins normalised); the OpenAI API key travels apart
 * (see {@link io.parley.core.port.Bots}) because it is write-only.
 */
public record BotDraft(String name, String greeting, ResponderKind responder, SyntheticSettings synthetic,
                       @Nullable String openAiBaseUrl, @Nullable String openAiModel, BotLimits limits,
                       List<String> allowedOrigins, boolean allowNativeClients) {
    public BotDraft {
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
