package io.parley.gateway.api.bots;

import io.parley.core.model.BotId;
import io.parley.core.port.BotChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** Announces a stored change of a bot or its knowledge ({@link BotChanges}) to every node. */
final class BotAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(BotAnnouncer.class);

    private final BotChanges changes;

    BotAnnouncer(BotChanges changes) {
        this.changes = changes;
    }

    // Redis down: the change is stored and answered as made; other nodes see it once what they keep expires.
    Mono<Void> announce(BotId bot) {
        return changes.announce(bot)
                .onErrorResume(e -> {
                    LOG.warn("could not announce the change of bot {} ({}); other nodes see it within "
                            + "parley.upstream.settings-cache-expiry and parley.bots.knowledge-cache-expiry",
                            bot.value(), e.toString());
                    return Mono.empty();
                });
    }
}
