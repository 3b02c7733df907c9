package io.parley.core.port;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.AuditRecord;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Page;
import io.parley.core.model.WorkspaceId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Reading the audit events of one workspace (those written with its {@link AuditEvent#WORKSPACE} detail). */
public interface AuditLog {

    /**
     * Newest first (by id), {@code limit + 1} fetched (see {@link Page#of}), only ids below {@code beforeId}
     * when given.
     */
    Mono<Page<AuditRecord>> page(WorkspaceId workspace, Filter filter, int limit, @Nullable Long beforeId);

    /** A null field does not narrow; {@code from} is inclusive, {@code to} exclusive. */
    record Filter(AuditEvent.@Nullable Kind kind, @Nullable OperatorId operator, @Nullable Instant from,
                  @Nullable Instant to) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }
}
