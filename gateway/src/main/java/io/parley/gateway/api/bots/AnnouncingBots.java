package io.parley.gateway.api.bots;

import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotSettings;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.BotChanges;
import io.parley.core.port.Bots;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The stored bots, announcing every change ({@link BotChanges}) once it is stored, so that every node drops
 * what it keeps of the bot's settings at once instead of when that expires.
 */
final class AnnouncingBots implements Bots {
    private final Bots stored;
    private final BotAnnouncer announcer;

    AnnouncingBots(Bots stored, BotChanges changes) {
        this.stored = stored;
        this.announcer = new BotAnnouncer(changes);
    }

    @Override
    public Mono<Page<BotSettings>> list(WorkspaceId workspace, int limit, @Nullable PageCursor after) {
        return stored.list(workspace, limit, after);
    }

    @Override
    public Mono<BotSettings> find(WorkspaceId workspace, BotId bot) {
        return stored.find(workspace, bot);
    }

    @Override
    public Mono<BotSettings> create(WorkspaceId workspace, BotDraft draft, @Nullable String openAiApiKey) {
        // harmless today (no node can have kept a bot that did not exist yet), and keeps "every write announces" true
        return stored.create(workspace, draft, openAiApiKey)
                .flatMap(created -> announcer.announce(created.id()).thenReturn(created));
    }

    @Override
    public Mono<BotSettings> update(WorkspaceId workspace, BotId bot, BotDraft draft, ApiKeyChange openAiApiKey) {
        return stored.update(workspace, bot, draft, openAiApiKey)
                .flatMap(updated -> announcer.announce(bot).thenReturn(updated));
    }

    @Override
    public Mono<Boolean> archive(WorkspaceId workspace, BotId bot) {
        return stored.archive(workspace, bot)
                .flatMap(archived -> archived ? announcer.announce(bot).thenReturn(true) : Mono.just(false));
    }
}
