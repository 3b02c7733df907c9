package io.parley.gateway.api.visitors;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.Permission;
import io.parley.core.model.VisitorId;
import io.parley.core.port.Clock;
import io.parley.core.port.ConversationQueries;
import io.parley.core.port.VisitorRecords;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.VisitorViews;
import io.parley.gateway.api.WorkspaceAccess;
import io.parley.gateway.api.conversations.ConversationViews;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A workspace's visitors: list, read, export (everything about one, as a download) and erase. Personal
 * data is masked for callers without {@link Permission#PERSONAL_DATA_READ}, exports included. Another
 * workspace's visitor is answered 404 like an unknown one.
 */
@RestController
public class VisitorController {
    private static final String VISITORS = "/api/v1/workspaces/{workspaceId}/visitors";
    private static final int MAX_EMAIL_LENGTH = 320;

    private final VisitorRecords visitors;
    private final ConversationQueries conversations;
    private final WorkspaceAccess access;
    private final AdminAudit audit;
    private final Clock clock;

    public VisitorController(VisitorRecords visitors, ConversationQueries conversations, WorkspaceAccess access,
                             AdminAudit audit, Clock clock) {
        this.visitors = visitors;
        this.conversations = conversations;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /** Everything kept about a visitor, as its export sends it. */
    public record Export(Instant exportedAt, String personalData, VisitorViews.Visitor visitor,
                         List<ConversationViews.Detail> conversations) {
    }

    @GetMapping(VISITORS)
    public Mono<ResponseEntity<Pages.Body<VisitorViews.Visitor>>> list(
            @PathVariable String workspaceId, @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String email) {
        return access.require(workspaceId, Permission.VISITORS_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            String wanted = email == null || email.isBlank() ? null : email.strip();
            if (wanted != null && wanted.length() > MAX_EMAIL_LENGTH) {
                return Mono.error(ApiProblem.invalid("email", "Give an e-mail address of at most "
                        + MAX_EMAIL_LENGTH + " characters."));
            }
            boolean shown = caller.seesPersonalData();
            if (wanted != null && !shown) {
                // a masked caller must not learn an address by asking whether it matches
                return Mono.error(ApiProblem.forbidden("Searching visitors by e-mail needs "
                        + Permission.PERSONAL_DATA_READ.wire() + ".").with("permission", Permission.PERSONAL_DATA_READ.wire()));
            }
            return visitors.page(caller.workspace(), wanted, page.limit(), page.after())
                    .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(Pages.body(found.map(visitor -> VisitorViews.full(visitor, shown)))));
        });
    }

    @GetMapping(VISITORS + "/{visitorId}")
    public Mono<ResponseEntity<VisitorViews.Visitor>> read(@PathVariable String workspaceId,
                                                           @PathVariable String visitorId) {
        return access.require(workspaceId, Permission.VISITORS_READ)
                .flatMap(caller -> visitors.find(caller.workspace(), id(visitorId))
                        .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("visitor")))
                        .map(visitor -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                                .body(VisitorViews.full(visitor, caller.seesPersonalData()))));
    }

    /**
     * The visitor and all its conversations with all their events, as a JSON download. Recorded in the
     * audit trail before it is sent: if that record cannot be written, nothing is sent.
     */
    @GetMapping(VISITORS + "/{visitorId}/export")
    public Mono<ResponseEntity<Export>> export(@PathVariable String workspaceId, @PathVariable String visitorId,
                                               ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.VISITORS_EXPORT).flatMap(caller -> {
            VisitorId id = id(visitorId);
            boolean shown = caller.seesPersonalData();
            return visitors.find(caller.workspace(), id)
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("visitor")))
                    .flatMap(visitor -> conversations.allOf(caller.workspace(), id)
                            .concatMap(conversation -> conversations.events(conversation.id(), 0, Integer.MAX_VALUE)
                                    .collectList()
                                    .map(events -> ConversationViews.detail(conversation, events, null, shown)))
                            .collectList()
                            .map(all -> new Export(clock.now(), shown ? "shown" : "masked",
                                    VisitorViews.full(visitor, shown), all)))
                    .flatMap(export -> recordExport(caller, id, shown, exchange).thenReturn(export))
                    .map(export -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                    .filename("visitor-" + visitorId + ".json").build().toString())
                            .body(export));
        });
    }

    /** Erases the visitor, its conversations and their events for good (one transaction), then audits it. */
    @DeleteMapping(VISITORS + "/{visitorId}")
    public Mono<ResponseEntity<Void>> erase(@PathVariable String workspaceId, @PathVariable String visitorId,
                                            ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.VISITORS_DELETE).flatMap(caller ->
                visitors.erase(caller.workspace(), id(visitorId))
                        .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("visitor")))
                        .flatMap(erased -> audit.record(caller, AuditEvent.Kind.VISITOR_DELETED,
                                        Map.of("visitorId", visitorId,
                                                "conversations", Long.toString(erased.conversations()),
                                                "events", Long.toString(erased.events())), exchange)
                                .thenReturn(ResponseEntity.noContent().<Void>build())));
    }

    private Mono<Void> recordExport(Caller caller, VisitorId id, boolean shown, ServerWebExchange exchange) {
        return audit.record(caller, AuditEvent.Kind.VISITOR_EXPORTED,
                Map.of("visitorId", id.value(), "personalData", shown ? "shown" : "masked"), exchange);
    }

    /** A path id that cannot be a visitor's is as unknown as a well-formed one that is not there. */
    private static VisitorId id(String visitorId) {
        if (!VisitorId.isValid(visitorId)) {
            throw ApiProblem.notFound("visitor");
        }
        return new VisitorId(visitorId);
    }
}
