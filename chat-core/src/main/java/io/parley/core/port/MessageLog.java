package io.parley.core.port;

import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable, ordered log of a conversation's events. Every append takes the next {@code seq} of
 * its conversation inside the same transaction as the insert, so that seqs stay gap-free even when
 * several gateway nodes append to one conversation at once.
 */
public interface MessageLog {

    /**
     * Appends a message a client posted, once per {@code (conversationId, clientMsgId)}: the same
     * pair again returns the message stored the first time with {@code created == false}.
     */
    Mono<Appended> appendClientMessage(ConversationId conversationId, MessageId messageId, Author author,
                                       String clientMsgId, String text);

    /** Appends a finished bot reply; the same {@code messageId} twice stores it once. */
    Mono<Appended> appendReply(ConversationId conversationId, MessageId messageId, Author author, String text,
                               Finish finish);

    Mono<StoredEvent.Handoff> appendHandoff(ConversationId conversationId, HandoffState state,
                                            @Nullable String agentName);

    /** Events with {@code afterSeq < seq <= upToSeq}, in seq order (at most {@code max} of them). */
    Flux<StoredEvent> read(ConversationId conversationId, long afterSeq, long upToSeq, int max);

    /** The highest seq of the conversation, 0 when it has no event. */
    Mono<Long> lastSeq(ConversationId conversationId);

    /** The result of an idempotent append. */
    record Appended(StoredEvent.Message message, boolean created) {
    }

    /** Thrown (as an error signal) when the conversation does not exist. */
    final class UnknownConversationException extends RuntimeException {
        public UnknownConversationException(ConversationId id) {
            super("no conversation " + id);
        }
    }
}
