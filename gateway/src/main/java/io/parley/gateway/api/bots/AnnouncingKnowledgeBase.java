package io.parley.gateway.api.bots;

import io.parley.core.model.BotId;
import io.parley.core.model.DatedKnowledgeEntry;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.port.BotChanges;
import io.parley.core.port.KnowledgeBase;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The stored knowledge entries, announcing every change of a bot's entries ({@link BotChanges}) once it is
 * stored, so that every node searches the bot's new entries at once instead of when what it keeps expires.
 */
final class AnnouncingKnowledgeBase implements KnowledgeBase {
    private final KnowledgeBase stored;
    private final BotAnnouncer announcer;

    AnnouncingKnowledgeBase(KnowledgeBase stored, BotChanges changes) {
        this.stored = stored;
        this.announcer = new BotAnnouncer(changes);
    }

    @Override
    public Mono<Page<DatedKnowledgeEntry>> list(BotId bot, int limit, @Nullable PageCursor after) {
        return stored.list(bot, limit, after);
    }

    @Override
    public Mono<DatedKnowledgeEntry> find(BotId bot, String entryId) {
        return stored.find(bot, entryId);
    }

    @Override
    public Mono<DatedKnowledgeEntry> create(BotId bot, String title, String body) {
        return stored.create(bot, title, body).flatMap(created -> announcer.announce(bot).thenReturn(created));
    }

    @Override
    public Mono<DatedKnowledgeEntry> update(BotId bot, String entryId, String title, String body) {
        return stored.update(bot, entryId, title, body).flatMap(updated -> announcer.announce(bot).thenReturn(updated));
    }

    @Override
    public Mono<Boolean> delete(BotId bot, String entryId) {
        return stored.delete(bot, entryId)
                .flatMap(deleted -> deleted ? announcer.announce(bot).thenReturn(true) : Mono.just(false));
    }

    @Override
    public Mono<List<String>> importAll(BotId bot, List<Draft> entries, boolean replace) {
        return stored.importAll(bot, entries, replace).flatMap(ids -> announcer.announce(bot).thenReturn(ids));
    }
}
