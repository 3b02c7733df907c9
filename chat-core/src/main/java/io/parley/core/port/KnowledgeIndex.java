package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import reactor.core.publisher.Flux;

public interface KnowledgeIndex {

    /** The bot's entries that match the question, best first; empty when nothing matches. */
    Flux<KnowledgeEntry> search(BotId botId, String question, int max);
}
