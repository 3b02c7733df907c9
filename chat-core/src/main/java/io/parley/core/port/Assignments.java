package io.parley.core.port;

import io.parley.core.model.ConversationId;
import io.parley.core.model.OperatorId;
import reactor.core.publisher.Mono;

/** Which agent handles a conversation; at most one at a time, decided atomically across nodes. */
public interface Assignments {

    /**
     * Assigns the conversation to {@code agent} and marks it human-handled, unless another agent holds it.
     * Errors with {@link MessageLog.UnknownConversationException} when it does not exist.
     */
    Mono<Outcome> assign(ConversationId conversation, OperatorId agent);

    /**
     * Ends {@code agent}'s assignment and human handling (the bot answers again); false when the
     * conversation is not assigned to {@code agent}.
     */
    Mono<Boolean> release(ConversationId conversation, OperatorId agent);

    /** The agent holding the conversation, empty when none does. */
    Mono<OperatorId> holder(ConversationId conversation);

    enum Outcome {
        /** Assigned now. */
        ASSIGNED,
        /** It already was assigned to this agent: nothing changed. */
        ALREADY_YOURS,
        /** Another agent holds it: nothing changed. */
        HELD_BY_ANOTHER
    }
}
