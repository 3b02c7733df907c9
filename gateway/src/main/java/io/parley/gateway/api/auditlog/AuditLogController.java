package io.parley.gateway.api.auditlog;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.AuditRecord;
import io.parley.core.model.OperatorId;
import io.parley.core.model.PageCursor;
import io.parley.core.model.Permission;
import io.parley.core.port.AuditLog;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.QueryValues;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The audit events of one workspace, newest first (by id), for its owners ({@link Permission#AUDIT_READ}). */
@RestController
public class AuditLogController {
    private static final List<String> KINDS = Arrays.stream(AuditEvent.Kind.values()).map(AuditEvent.Kind::wire).toList();

    private final AuditLog log;
    private final WorkspaceAccess access;

    public AuditLogController(AuditLog log, WorkspaceAccess access) {
        this.log = log;
        this.access = access;
    }

    public record Item(long id, Instant at, String kind, @Nullable String operatorId, @Nullable String clientAddress,
                       Map<String, String> details) {
    }

    @GetMapping("/api/v1/workspaces/{workspaceId}/audit-events")
    public Mono<ResponseEntity<Pages.Body<Item>>> list(
            @PathVariable String workspaceId, @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String kind,
            @RequestParam(required = false) @Nullable String operatorId,
            @RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to) {
        return access.require(workspaceId, Permission.AUDIT_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            QueryValues query = new QueryValues();
            AuditLog.Filter filter = new AuditLog.Filter(kind(query, kind),
                    query.id("operatorId", operatorId, OperatorId::isValid, OperatorId::new, "o_…"),
                    query.instant("from", from), query.instant("to", to));
            query.range(filter.from(), filter.to());
            query.check();
            return log.page(caller.workspace(), filter, page.limit(), beforeId(page.after()))
                    .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(Pages.body(found.map(AuditLogController::item))));
        });
    }

    private static AuditEvent.@Nullable Kind kind(QueryValues query, @Nullable String kind) {
        if (kind == null || kind.isBlank()) {
            return null;
        }
        return Arrays.stream(AuditEvent.Kind.values()).filter(known -> known.wire().equals(kind.strip())).findFirst()
                .orElseGet(() -> query.fail("kind", "Give one of " + KINDS + "."));
    }

    /** The audit log's cursor carries the last event's id (its instant only keeps the cursor format of all lists). */
    private static @Nullable Long beforeId(@Nullable PageCursor after) {
        if (after == null) {
            return null;
        }
        try {
            return Long.parseLong(after.id());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("cursor", "Not a cursor of this list; pass nextCursor from the previous page as it is.");
        }
    }

    private static Item item(AuditRecord event) {
        return new Item(event.id(), event.at(), event.kind(), event.operator() == null ? null : event.operator().value(),
                event.clientAddress(), event.details());
    }
}
