package io.parley.core.port;

import io.parley.core.model.Bot;
import io.parley.core.model.ConversationId;
import reactor.core.publisher.Flux;

/** Writes a bot's reply, piece by piece. */
public interface Responder {

    Flux<String> reply(ReplyContext context);

    /**
     * Starts the reads a reply to {@code question} needs before it can ask its model (never the model itself,
     * and nothing is stored), while the question is still being admitted, so that they overlap the rate limits.
     * A reply given the result through {@link ReplyContext#prepared} uses it instead of reading again; whoever
     * does not pass it on discards it. By default there is nothing to read ahead.
     */
    default Prepared prepare(Bot bot, String question) {
        return Prepared.NOTHING;
    }

    /** What {@link #prepare} started. */
    interface Prepared {
        Prepared NOTHING = () -> {
        };

        /** Cancels the reads if they still run; idempotent. */
        void discard();
    }

    record ReplyContext(Bot bot, ConversationId conversationId, String question, Prepared prepared) {
        public ReplyContext(Bot bot, ConversationId conversationId, String question) {
            this(bot, conversationId, question, Prepared.NOTHING);
        }
    }
}
