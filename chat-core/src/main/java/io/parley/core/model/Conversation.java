package io.parley.core.model;

import java.time.Instant;

/** A visitor's conversation with a bot; {@code humanHandling} is true once a human was asked for. */
public record Conversation(ConversationId id, WorkspaceId workspaceId, BotId botId, VisitorId visitorId,
                           boolean humanHandling, Instant createdAt) {
}
