package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.WidgetKeyListing;
import io.parley.core.model.WorkspaceId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** A workspace's widget keys as administrators manage them; keys of archived bots are not listed. */
public interface WidgetKeyRegistry {

    /** Oldest first; only {@code bot}'s keys when given. */
    Mono<Page<WidgetKeyListing>> list(WorkspaceId workspace, @Nullable BotId bot, int limit, @Nullable PageCursor after);

    /** A new enabled key for the bot; empty when the workspace has no such (live) bot. */
    Mono<WidgetKeyListing> create(WorkspaceId workspace, BotId bot);

    /** Enables or disables the key; empty when the workspace has no such key (of a live bot). */
    Mono<WidgetKeyListing> setEnabled(WorkspaceId workspace, String key, boolean enabled);
}
