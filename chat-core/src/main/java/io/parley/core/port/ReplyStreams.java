package io.parley.core.port;

import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The text so far of bot replies still being streamed, so that a reader who resumes can catch up. */
public interface ReplyStreams {

    Mono<Void> begin(ConversationId conversationId, MessageId messageId, Author author);

    /** Appends a piece; returns the reply's whole length (in chars) after it. */
    Mono<Long> append(ConversationId conversationId, MessageId messageId, String piece);

    Mono<Void> end(ConversationId conversationId, MessageId messageId);

    /** Replies of the conversation still being streamed. */
    Flux<LiveReply> live(ConversationId conversationId);

    record LiveReply(MessageId messageId, Author author, String textSoFar) {
    }
}
