package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationRecord;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reading a workspace's conversations and their events, for administration. */
public interface ConversationQueries {

    /** Newest first, {@code limit + 1} fetched (see {@link Page#of}), narrowed by {@code filter}. */
    Mono<Page<ConversationRecord>> page(WorkspaceId workspace, Filter filter, int limit, @Nullable PageCursor after);

    /** The conversation, empty when unknown or of another workspace. */
    Mono<ConversationRecord> find(WorkspaceId workspace, ConversationId id);

    /** Every conversation of the visitor, oldest first. */
    Flux<ConversationRecord> allOf(WorkspaceId workspace, VisitorId visitor);

    /** Events with {@code seq > afterSeq}, in seq order, at most {@code max}. */
    Flux<StoredEvent> events(ConversationId id, long afterSeq, int max);

    /**
     * Which conversations to list; a null field does not narrow. {@code from} is inclusive, {@code to}
     * exclusive, both on the creation instant.
     */
    record Filter(@Nullable BotId botId, @Nullable VisitorId visitorId, ConversationRecord.@Nullable State state,
                  @Nullable Boolean humanHandling, @Nullable Instant from, @Nullable Instant to) {
        public static final Filter NONE = new Filter(null, null, null, null, null, null);
    }
}
