package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.OpenAiUpstream;
import reactor.core.publisher.Mono;

/** The OpenAI-compatible upstream of a bot, for the responder that calls it (never for an API response). */
public interface OpenAiUpstreams {

    /** Empty when the bot is archived, gone, or has no base URL and model. */
    Mono<OpenAiUpstream> of(BotId bot);
}
