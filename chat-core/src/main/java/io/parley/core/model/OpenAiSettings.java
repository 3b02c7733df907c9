package io.parley.core.model;

import org.jspecify.annotations.Nullable;

/**
 * A bot's OpenAI-compatible upstream as shown to administrators: the API key itself never leaves the
 * database through this record, only whether one is set. Unset ({@code null}) unless the bot has been
 * given one.
 */
public record OpenAiSettings(@Nullable String baseUrl, @Nullable String model, boolean apiKeySet) {
}
