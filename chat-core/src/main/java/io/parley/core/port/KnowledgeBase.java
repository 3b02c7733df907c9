package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.DatedKnowledgeEntry;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The knowledge entries of one bot, as administrators edit them (the caller has checked that the bot is
 * of its workspace). What is stored here is what {@link KnowledgeIndex} searches.
 */
public interface KnowledgeBase {

    /** Oldest first. */
    Mono<Page<DatedKnowledgeEntry>> list(BotId bot, int limit, @Nullable PageCursor after);

    Mono<DatedKnowledgeEntry> find(BotId bot, String entryId);

    Mono<DatedKnowledgeEntry> create(BotId bot, String title, String body);

    /** Empty when the bot has no such entry. */
    Mono<DatedKnowledgeEntry> update(BotId bot, String entryId, String title, String body);

    Mono<Boolean> delete(BotId bot, String entryId);

    /**
     * Stores all entries or none (one transaction), in order, after deleting the bot's existing entries
     * when {@code replace}; answers the new entries' ids in the same order.
     */
    Mono<List<String>> importAll(BotId bot, List<Draft> entries, boolean replace);

    record Draft(String title, String body) {
    }
}
