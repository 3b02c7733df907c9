package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What an agent's inbox shows of a conversation. {@code visitor} carries personal data: whoever sends
 * a summary to an operator masks it for roles that may not see it. {@code handoff} and {@code agentName}
 * are those of the conversation's latest handoff event (null when there was none); {@code updatedAt} is
 * the instant of its newest event (its creation when it has none).
 */
public record ConversationSummary(ConversationId id, WorkspaceId workspaceId, BotId botId, VisitorRecord visitor,
                                  long lastSeq, @Nullable LastMessage lastMessage, boolean humanHandling,
                                  @Nullable HandoffState handoff, @Nullable String agentName, Instant updatedAt) {

    /** The newest message; {@code text} may be a preview (cut). */
    public record LastMessage(AuthorRole role, String authorName, String text, Instant createdAt) {
    }

    public ConversationSummary withPreview(int maxCodePoints) {
        if (lastMessage == null || lastMessage.text().codePointCount(0, lastMessage.text().length()) <= maxCodePoints) {
            return this;
        }
        String text = lastMessage.text();
        String cut = text.substring(0, text.offsetByCodePoints(0, maxCodePoints)) + "…";
        return new ConversationSummary(id, workspaceId, botId, visitor, lastSeq,
                new LastMessage(lastMessage.role(), lastMessage.authorName(), cut, lastMessage.createdAt()),
                humanHandling, handoff, agentName, updatedAt);
    }
}
