package io.parley.core.port;

import io.parley.core.model.Bot;
import io.parley.core.model.ConversationId;
import reactor.core.publisher.Flux;

/** Writes a bot's reply, piece by piece. */
public interface Responder {

    Flux<String> reply(ReplyContext context);

    record ReplyContext(Bot bot, ConversationId conversationId, String question) {
    }
}
