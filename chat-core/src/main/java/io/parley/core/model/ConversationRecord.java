package io.parley.core.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A conversation as administrators read it: its state, its newest seq and its visitor. */
public record ConversationRecord(ConversationId id, WorkspaceId workspaceId, BotId botId, VisitorRecord visitor,
                                 State state, boolean humanHandling, Instant createdAt, @Nullable Instant closedAt,
                                 long lastSeq) {

    public enum State {
        OPEN, CLOSED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
