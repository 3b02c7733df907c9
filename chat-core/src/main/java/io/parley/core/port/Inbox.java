package io.parley.core.port;

import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the conversation summaries of agents' inboxes (message texts in full; the engine cuts previews). */
public interface Inbox {

    /** The workspace's open conversations, most recently active first, at most {@code limit}. */
    Flux<ConversationSummary> open(WorkspaceId workspace, int limit);

    /** One conversation's summary, empty when it does not exist. */
    Mono<ConversationSummary> summary(ConversationId conversation);
}
