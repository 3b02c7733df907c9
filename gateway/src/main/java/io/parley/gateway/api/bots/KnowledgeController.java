package io.parley.gateway.api.bots;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.BotId;
import io.parley.core.model.DatedKnowledgeEntry;
import io.parley.core.model.Permission;
import io.parley.core.port.Bots;
import io.parley.core.port.KnowledgeBase;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.ApiProblem.FieldError;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The knowledge entries a bot answers from: one by one, or imported from a Markdown or FAQ document (all
 * entries or none). An archived bot, another workspace's bot and another bot's entry are all 404.
 */
@RestController
public class KnowledgeController {
    private static final String ENTRIES = BotController.BOTS + "/{botId}/knowledge";
    private static final Pattern ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final KnowledgeBase knowledge;
    private final Bots bots;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public KnowledgeController(KnowledgeBase knowledge, Bots bots, WorkspaceAccess access, AdminAudit audit) {
        this.knowledge = knowledge;
        this.bots = bots;
        this.access = access;
        this.audit = audit;
    }

    public record EntryRequest(@Nullable String title, @Nullable String body) {
    }

    /** {@code format} is {@code markdown} or {@code faq}; {@code replace} deletes the bot's entries first. */
    public record ImportRequest(@Nullable String format, @Nullable String text, @Nullable Boolean replace) {
    }

    public record EntryView(String id, String title, String body, Instant createdAt) {
    }

    public record Imported(int created, List<String> entries) {
    }

    /** The caller and the bot of the path, once both are checked. */
    private record Target(Caller caller, BotId bot) {
    }

    @GetMapping(ENTRIES)
    public Mono<ResponseEntity<Pages.Body<EntryView>>> list(@PathVariable String workspaceId, @PathVariable String botId,
                                                            @RequestParam(required = false) @Nullable String limit,
                                                            @RequestParam(required = false) @Nullable String cursor) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_READ).flatMap(target -> {
            Pages.Request page = Pages.request(limit, cursor);
            return knowledge.list(target.bot(), page.limit(), page.after())
                    .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(Pages.body(found.map(KnowledgeController::view))));
        });
    }

    @PostMapping(ENTRIES)
    public Mono<ResponseEntity<EntryView>> create(@PathVariable String workspaceId, @PathVariable String botId,
                                                  @RequestBody EntryRequest body, ServerWebExchange exchange) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_WRITE).flatMap(target -> {
            KnowledgeBase.Draft entry = valid(body);
            return knowledge.create(target.bot(), entry.title(), entry.body())
                    .flatMap(created -> changed(target, "created", 1, exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(view(created))));
        });
    }

    @GetMapping(ENTRIES + "/{entryId}")
    public Mono<ResponseEntity<EntryView>> read(@PathVariable String workspaceId, @PathVariable String botId,
                                                @PathVariable String entryId) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_READ)
                .flatMap(target -> knowledge.find(target.bot(), entryId(entryId)))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("knowledge entry")))
                .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(found)));
    }

    @PutMapping(ENTRIES + "/{entryId}")
    public Mono<ResponseEntity<EntryView>> replace(@PathVariable String workspaceId, @PathVariable String botId,
                                                   @PathVariable String entryId, @RequestBody EntryRequest body,
                                                   ServerWebExchange exchange) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_WRITE).flatMap(target -> {
            String id = entryId(entryId);
            KnowledgeBase.Draft entry = valid(body);
            return knowledge.update(target.bot(), id, entry.title(), entry.body())
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("knowledge entry")))
                    .flatMap(updated -> changed(target, "updated", 1, exchange)
                            .thenReturn(ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(updated))));
        });
    }

    @DeleteMapping(ENTRIES + "/{entryId}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable String workspaceId, @PathVariable String botId,
                                             @PathVariable String entryId, ServerWebExchange exchange) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_WRITE).flatMap(target ->
                knowledge.delete(target.bot(), entryId(entryId)).flatMap(deleted -> deleted
                        ? changed(target, "deleted", 1, exchange).thenReturn(ResponseEntity.noContent().<Void>build())
                        : Mono.error(ApiProblem.notFound("knowledge entry"))));
    }

    @PostMapping(ENTRIES + "/import")
    public Mono<ResponseEntity<Imported>> importDocument(@PathVariable String workspaceId, @PathVariable String botId,
                                                         @RequestBody ImportRequest body, ServerWebExchange exchange) {
        return target(workspaceId, botId, Permission.KNOWLEDGE_WRITE).flatMap(target -> {
            List<FieldError> errors = new ArrayList<>();
            KnowledgeImport.Format format = null;
            if ("markdown".equals(body.format())) {
                format = KnowledgeImport.Format.MARKDOWN;
            } else if ("faq".equals(body.format())) {
                format = KnowledgeImport.Format.FAQ;
            } else {
                errors.add(new FieldError("format", "Give \"markdown\" or \"faq\"."));
            }
            if (body.text() == null || body.text().isBlank()) {
                errors.add(new FieldError("text", "Give the document's text."));
            }
            if (!errors.isEmpty()) {
                return Mono.error(ApiProblem.invalid(errors));
            }
            List<KnowledgeBase.Draft> entries = KnowledgeImport.split(format, body.text());
            boolean replace = Boolean.TRUE.equals(body.replace());
            return knowledge.importAll(target.bot(), entries, replace)
                    .flatMap(ids -> changed(target, "imported", ids.size(), exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(new Imported(ids.size(), ids))));
        });
    }

    private Mono<Target> target(String workspaceId, String botId, Permission permission) {
        return access.require(workspaceId, permission)
                .flatMap(caller -> bots.find(caller.workspace(), BotController.id(botId))
                        .map(bot -> new Target(caller, bot.id())))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")));
    }

    private Mono<Void> changed(Target target, String action, int count, ServerWebExchange exchange) {
        return audit.record(target.caller(), AuditEvent.Kind.KNOWLEDGE_CHANGED,
                Map.of("botId", target.bot().value(), "action", action, "count", Integer.toString(count)), exchange);
    }

    private static KnowledgeBase.Draft valid(EntryRequest body) {
        List<FieldError> errors = new ArrayList<>();
        String title = BotInput.text(body.title(), "title", KnowledgeImport.MAX_TITLE, errors);
        String text = BotInput.text(body.body(), "body", KnowledgeImport.MAX_BODY, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new KnowledgeBase.Draft(title, text);
    }

    private static String entryId(String entryId) {
        if (!ENTRY_ID.matcher(entryId).matches()) {
            throw ApiProblem.notFound("knowledge entry");
        }
        return entryId;
    }

    private static EntryView view(DatedKnowledgeEntry entry) {
        return new EntryView(entry.entry().id(), entry.entry().title(), entry.entry().body(), entry.createdAt());
    }
}
