package io.parley.gateway.api.bots;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.BotId;
import io.parley.core.model.BotSettings;
import io.parley.core.model.Permission;
import io.parley.core.model.RateLimit;
import io.parley.core.port.Bots;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A workspace's bots. Deleting archives: the bot leaves every list and read, its widget keys stop working
 * at the handshake, its conversations stay stored. Another workspace's bot id is answered 404 like an unknown
 * one. Failure policy for concurrent PATCHes of one bot: each merges onto the settings it read, the last
 * write wins.
 */
@RestController
public class BotController {
    static final String BOTS = "/api/v1/workspaces/{workspaceId}/bots";

    private final Bots bots;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public BotController(Bots bots, WorkspaceAccess access, AdminAudit audit) {
        this.bots = bots;
        this.access = access;
        this.audit = audit;
    }

    public record BotView(String id, String name, String greeting, String responder, SyntheticView synthetic,
                          OpenAiView openai, RateLimitsView rateLimits, List<String> allowedOrigins,
                          boolean allowNativeClients, Instant createdAt) {
    }

    public record SyntheticView(int tokens, int tokensPerSecond) {
    }

    /** The API key itself is never shown, only whether one is set. */
    public record OpenAiView(@Nullable String baseUrl, @Nullable String model, boolean apiKeySet) {
    }

    public record RateLimitsView(RateLimitView messagesPerVisitor, RateLimitView messagesPerKeyAndIp,
                                 RateLimitView connectionsPerKeyAndIp) {
    }

    public record RateLimitView(int permits, long windowSeconds) {
    }

    @GetMapping(BOTS)
    public Mono<ResponseEntity<Pages.Body<BotView>>> list(@PathVariable String workspaceId,
                                                          @RequestParam(required = false) @Nullable String limit,
                                                          @RequestParam(required = false) @Nullable String cursor) {
        return access.require(workspaceId, Permission.BOTS_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            return bots.list(caller.workspace(), page.limit(), page.after())
                    .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(Pages.body(found.map(BotController::view))));
        });
    }

    @PostMapping(BOTS)
    public Mono<ResponseEntity<BotView>> create(@PathVariable String workspaceId,
                                                @RequestBody BotInput.BotRequest body, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> {
            BotInput.Merged merged = BotInput.merge(body, BotInput.DEFAULTS, true);
            return bots.create(caller.workspace(), merged.draft(), merged.apiKey().key())
                    .flatMap(created -> audit.record(caller, AuditEvent.Kind.BOT_CREATED,
                                    Map.of("botId", created.id().value()), exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(view(created))));
        });
    }

    @GetMapping(BOTS + "/{botId}")
    public Mono<ResponseEntity<BotView>> read(@PathVariable String workspaceId, @PathVariable String botId) {
        return access.require(workspaceId, Permission.BOTS_READ)
                .flatMap(caller -> bots.find(caller.workspace(), id(botId)))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")))
                .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(found)));
    }

    /** Changes only the fields sent; a nested object's fields likewise (an omitted {@code apiKey} is kept). */
    @PatchMapping(BOTS + "/{botId}")
    public Mono<ResponseEntity<BotView>> update(@PathVariable String workspaceId, @PathVariable String botId,
                                                @RequestBody BotInput.BotRequest body, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> {
            BotId id = id(botId);
            return bots.find(caller.workspace(), id)
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")))
                    .flatMap(current -> {
                        BotInput.Merged merged = BotInput.merge(body, current.draft(), false);
                        return bots.update(caller.workspace(), id, merged.draft(), merged.apiKey())
                                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")))
                                .flatMap(updated -> audit.record(caller, AuditEvent.Kind.BOT_UPDATED,
                                                Map.of("botId", id.value(), "fields", String.join(",", merged.fields())),
                                                exchange)
                                        .thenReturn(ResponseEntity.ok().cacheControl(CacheControl.noStore())
                                                .body(view(updated))));
                    });
        });
    }

    @DeleteMapping(BOTS + "/{botId}")
    public Mono<ResponseEntity<Void>> archive(@PathVariable String workspaceId, @PathVariable String botId,
                                              ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> {
            BotId id = id(botId);
            return bots.archive(caller.workspace(), id).flatMap(archived -> archived
                    ? audit.record(caller, AuditEvent.Kind.BOT_DELETED, Map.of("botId", id.value()), exchange)
                            .thenReturn(ResponseEntity.noContent().<Void>build())
                    : Mono.error(ApiProblem.notFound("bot")));
        });
    }

    /** The bot id of a path; a malformed one is as unknown as any other. */
    static BotId id(String botId) {
        if (!BotId.isValid(botId)) {
            throw ApiProblem.notFound("bot");
        }
        return new BotId(botId);
    }

    static BotView view(BotSettings bot) {
        return new BotView(bot.id().value(), bot.name(), bot.greeting(), BotInput.wire(bot.responder()),
                new SyntheticView(bot.synthetic().tokens(), bot.synthetic().tokensPerSecond()),
                new OpenAiView(bot.openai().baseUrl(), bot.openai().model(), bot.openai().apiKeySet()),
                new RateLimitsView(limit(bot.limits().messagesPerVisitor()), limit(bot.limits().messagesPerKeyAndIp()),
                        limit(bot.limits().connectionsPerKeyAndIp())),
                bot.allowedOrigins(), bot.allowNativeClients(), bot.createdAt());
    }

    private static RateLimitView limit(RateLimit limit) {
        return new RateLimitView(limit.permits(), limit.window().toSeconds());
    }
}
