package io.parley.core.model;

import java.time.Instant;
import java.util.List;

/**
 * Everything an administrator sets on a bot, as stored: its responder and each responder's settings,
 * rate limits (a limit of 0 permits is lifted, whatever its window), and who may talk to it — the
 * browser origins its widget keys accept and whether native clients (no Origin header) may connect.
 */
public record BotSettings(BotId id, WorkspaceId workspaceId, String name, String greeting, ResponderKind responder,
                          SyntheticSettings synthetic, OpenAiSettings openai, BotLimits limits,
                          List<String> allowedOrigins, boolean allowNativeClients, Instant createdAt) {
    public BotSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The values to store back, for an update that changes some of them. */
    public BotDraft draft() {
        return new BotDraft(name, greeting, responder, synthetic, openai.baseUrl(), openai.model(), limits,
                allowedOrigins, allowNativeClients);
    }
}
