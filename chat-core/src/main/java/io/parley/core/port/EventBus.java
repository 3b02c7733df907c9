package io.parley.core.port;

import io.parley.core.model.ConversationId;
import io.parley.core.protocol.LiveSignal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Fans a conversation's live signals out to every node that follows it. */
public interface EventBus {

    Mono<Void> publish(ConversationId conversationId, LiveSignal signal);

    /**
     * The conversation's signals published after the returned Flux emitted {@link LiveSignal.Subscribed},
     * its first element, which says the subscription is in place. Cancelling unsubscribes.
     */
    Flux<LiveSignal> subscribe(ConversationId conversationId);
}
