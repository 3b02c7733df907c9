package io.parley.core.port;

import io.parley.core.model.ConversationSummary;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Fans a workspace's inbox changes out to every node with agents subscribed to that inbox. */
public interface InboxBus {

    Mono<Void> publish(WorkspaceId workspace, Signal signal);

    /**
     * The workspace's signals published after the returned Flux emitted {@link Signal.Subscribed}, its
     * first element. Cancelling unsubscribes.
     */
    Flux<Signal> subscribe(WorkspaceId workspace);

    /**
     * Whether any node has a subscriber of the workspace's inbox now, one that has received (or is about
     * to receive) {@link Signal.Subscribed}. A change made before the answer is false is one every later
     * subscriber reads in the snapshot it takes after subscribing, so it need not be published.
     */
    Mono<Boolean> watched(WorkspaceId workspace);

    sealed interface Signal {
        /** Local marker, never published: the subscription is in place. */
        record Subscribed() implements Signal {
        }

        /** A conversation changed; the summary is unmasked and its preview already cut. */
        record Changed(ConversationSummary summary) implements Signal {
        }

        /** An agent came or went; readers look the set up in {@link Presence}. */
        record PresenceChanged() implements Signal {
        }
    }
}
