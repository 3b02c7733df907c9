package io.parley.core.model;

import org.jspecify.annotations.Nullable;

/**
 * Where a bot's OpenAI-compatible replies come from, key included: for the upstream call only, never
 * for showing (administrators see {@link OpenAiSettings}). No key means the upstream needs none.
 */
public record OpenAiUpstream(String baseUrl, String model, @Nullable String apiKey) {

    /** Names the upstream without its key, so a log line or an exception message cannot leak it. */
    @Override
    public String toString() {
        return "OpenAiUpstream[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "(set)") + "]";
    }
}
