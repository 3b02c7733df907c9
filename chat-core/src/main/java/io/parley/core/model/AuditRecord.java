package io.parley.core.model;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An audit event as stored, read back for the audit log. {@code kind} is the wire name as stored (an
 * event written by a newer version may have a kind this one does not know).
 */
public record AuditRecord(long id, Instant at, String kind, @Nullable OperatorId operator,
                          @Nullable String clientAddress, Map<String, String> details) {
    public AuditRecord {
        details = Map.copyOf(details);
    }
}
