package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Reads a bot's whole knowledge base into a {@link KnowledgeSnapshot}, for a node to search in memory. */
public interface KnowledgeSnapshots {

    /**
     * The bot's entries now (none for an unknown bot); empty when it has more than {@code maxEntries} entries
     * or more than {@code maxChars} characters of titles and bodies, too many to keep in memory.
     */
    Mono<Optional<KnowledgeSnapshot>> of(BotId bot, int maxEntries, long maxChars);
}
