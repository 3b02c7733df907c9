package io.parley.core.port;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import reactor.core.publisher.Mono;

/** The bot that answers a conversation, as the engine runs it; empty when there is no such bot. */
@FunctionalInterface
public interface AnsweringBots {

    Mono<Bot> find(BotId botId);
}
