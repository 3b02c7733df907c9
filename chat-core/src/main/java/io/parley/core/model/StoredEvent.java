package io.parley.core.model;

import java.time.Instant;

/** An event of a conversation kept in the message log, numbered by a gap-free {@code seq}. */
public sealed interface StoredEvent permits StoredEvent.Message, StoredEvent.Handoff {
    ConversationId conversationId();

    long seq();

    Instant createdAt();

    /**
     * A message. {@code clientMsgId} is set for messages a client posted, {@code finish} for bot
     * replies (how the reply ended).
     */
    record Message(ConversationId conversationId, long seq, MessageId messageId, Author author, String text,
                   Instant createdAt, @org.jspecify.annotations.Nullable String clientMsgId,
                   @org.jspecify.annotations.Nullable Finish finish) implements StoredEvent {
    }

    record Handoff(ConversationId conversationId, long seq, HandoffState state,
                   @org.jspecify.annotations.Nullable String agentName, Instant createdAt) implements StoredEvent {
    }
}
