package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Mono;

public interface Conversations {

    Mono<Conversation> find(ConversationId id);

    /** The visitor's open conversation with this bot, empty when there is none. */
    Mono<Conversation> findOpen(VisitorId visitorId, BotId botId);

    /**
     * The visitor's open conversation with this bot, created when there is none. Two calls racing
     * (two tabs, two nodes) end up with the same conversation.
     */
    Mono<Conversation> openFor(WorkspaceId workspaceId, BotId botId, VisitorId visitorId);

    /** Marks the conversation as handled by humans: the bot stops answering. */
    Mono<Void> markHumanHandling(ConversationId id);
}
