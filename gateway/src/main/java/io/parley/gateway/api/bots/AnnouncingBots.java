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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The stored bots, announcing every change ({@link BotChanges}) once it is stored, so that every node drops
 * what it keeps of the bot's settings at once instead of when that expires.
 */
final class AnnouncingBots implements Bots {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncingBots.class);

    private final Bots stored;
    private final BotChanges changes;

    AnnouncingBots(Bots stored, BotChanges changes) {
        this.stored = stored;
        this.changes = changes;
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
                .flatMap(created -> announce(created.id()).thenReturn(created));
    }

    @Override
    public Mono<BotSettings> update(WorkspaceId workspace, BotId bot, BotDraft draft, ApiKeyChange openAiApiKey) {
        return stored.update(workspace, bot, draft, openAiApiKey)
                .flatMap(updated -> announce(bot).thenReturn(updated));
    }

    @Override
    public Mono<Boolean> archive(WorkspaceId workspace, BotId bot) {
        return stored.archive(workspace, bot)
                .flatMap(archived -> archived ? announce(bot).thenReturn(true) : Mono.just(false));
    }

    // Redis down: the change is stored and answered as made; other nodes see it once what they keep expires.
    private Mono<Void> announce(BotId bot) {
        return changes.announce(bot)
                .onErrorResume(e -> {
                    LOG.warn("could not announce the change of bot {} ({}); other nodes see it within "
                            + "parley.upstream.settings-cache-expiry", bot.value(), e.toString());
                    return Mono.empty();
                });
    }
}
