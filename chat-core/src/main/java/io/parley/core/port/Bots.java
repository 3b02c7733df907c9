package io.parley.core.port;

import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotSettings;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.WorkspaceId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A workspace's bots as administrators manage them. An archived bot is gone for every method here
 * (empty, like another workspace's bot); its conversations stay stored.
 */
public interface Bots {

    /** Oldest first, {@code limit} at most, after the cursor when given. */
    Mono<Page<BotSettings>> list(WorkspaceId workspace, int limit, @Nullable PageCursor after);

    Mono<BotSettings> find(WorkspaceId workspace, BotId bot);

    /** A new bot; {@code openAiApiKey} is stored but never read back (only whether it is set). */
    Mono<BotSettings> create(WorkspaceId workspace, BotDraft draft, @Nullable String openAiApiKey);

    /** Replaces the bot's settings; empty when there is no such (live) bot in the workspace. */
    Mono<BotSettings> update(WorkspaceId workspace, BotId bot, BotDraft draft, ApiKeyChange openAiApiKey);

    /** Archives the bot; false when there is no such (live) bot in the workspace. */
    Mono<Boolean> archive(WorkspaceId workspace, BotId bot);

    /** What an update does to the write-only OpenAI API key: keep it, or set it (null removes it). */
    record ApiKeyChange(boolean replace, @Nullable String key) {
        public static final ApiKeyChange KEEP = new ApiKeyChange(false, null);

        public static ApiKeyChange to(@Nullable String key) {
            return new ApiKeyChange(true, key);
        }

        /** Never the key itself: records end up in logs and assertion messages. */
        @Override
        public String toString() {
            return "ApiKeyChange[" + (!replace ? "keep" : key == null ? "remove" : "set") + "]";
        }
    }
}
