package io.parley.core.port;

import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** A workspace's visitors with their personal data, for administration: read, list, erase. */
public interface VisitorRecords {

    /** The visitor, empty when unknown or of another workspace. */
    Mono<VisitorRecord> find(WorkspaceId workspace, VisitorId id);

    /**
     * Newest first, {@code limit + 1} fetched (see {@link Page#of}); {@code email}, when given, keeps only
     * visitors with that e-mail, compared case-insensitively.
     */
    Mono<Page<VisitorRecord>> page(WorkspaceId workspace, @Nullable String email, int limit, @Nullable PageCursor after);

    /**
     * Erases the visitor, its conversations and their events, all or nothing; empty when the visitor is
     * unknown or of another workspace.
     */
    Mono<Erased> erase(WorkspaceId workspace, VisitorId id);

    /** What an erasure removed. */
    record Erased(long conversations, long events) {
    }
}
