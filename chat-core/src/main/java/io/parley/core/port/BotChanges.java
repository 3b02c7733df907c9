package io.parley.core.port;

import io.parley.core.model.BotId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells every node that a bot's stored settings or knowledge entries changed, so that whatever a node keeps
 * of them in memory is read again. Only the bot's id travels, never a setting.
 */
public interface BotChanges {

    /** Announces a change already stored; nodes that miss it (not subscribed then) never get it again. */
    Mono<Void> announce(BotId bot);

    /**
     * Every change announced after the returned Flux emitted {@link Signal.Subscribed}, its first element,
     * which says the subscription is in place. It errors when announcements may have been missed (the
     * connection carrying them dropped). Cancelling unsubscribes.
     */
    Flux<Signal> changes();

    sealed interface Signal {
        /** Local marker, never announced: the subscription is in place. */
        record Subscribed() implements Signal {
        }

        record Changed(BotId bot) implements Signal {
        }
    }
}
