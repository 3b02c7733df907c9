package io.parley.gateway.api.bots;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.BotId;
import io.parley.core.model.Page;
import io.parley.core.model.Permission;
import io.parley.core.model.WidgetKeyListing;
import io.parley.core.port.Bots;
import io.parley.core.port.WidgetKeyRegistry;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
 * The widget keys of a workspace's bots. Keys are public (they sit in web pages), so they are shown in
 * full; what a key allows (origins, native clients, limits) is its bot's. A key of an archived bot is
 * gone here and refused at the handshake.
 */
@RestController
public class WidgetKeyController {
    private static final String KEYS = "/api/v1/workspaces/{workspaceId}/widget-keys";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final WidgetKeyRegistry keys;
    private final Bots bots;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public WidgetKeyController(WidgetKeyRegistry keys, Bots bots, WorkspaceAccess access, AdminAudit audit) {
        this.keys = keys;
        this.bots = bots;
        this.access = access;
        this.audit = audit;
    }

    public record CreateRequest(@Nullable String botId) {
    }

    public record UpdateRequest(@Nullable Boolean enabled) {
    }

    public record KeyView(String key, String botId, boolean enabled, Instant createdAt) {
    }

    @GetMapping(KEYS)
    public Mono<ResponseEntity<Pages.Body<KeyView>>> list(@PathVariable String workspaceId,
                                                          @RequestParam(required = false) @Nullable String botId,
                                                          @RequestParam(required = false) @Nullable String limit,
                                                          @RequestParam(required = false) @Nullable String cursor) {
        return access.require(workspaceId, Permission.WIDGET_KEYS_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            Mono<Page<WidgetKeyListing>> found = botId == null
                    ? keys.list(caller.workspace(), null, page.limit(), page.after())
                    : bots.find(caller.workspace(), BotController.id(botId))
                            .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")))
                            .flatMap(bot -> keys.list(caller.workspace(), bot.id(), page.limit(), page.after()));
            return found.map(listed -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                    .body(Pages.body(listed.map(WidgetKeyController::view))));
        });
    }

    @PostMapping(KEYS)
    public Mono<ResponseEntity<KeyView>> create(@PathVariable String workspaceId, @RequestBody CreateRequest body,
                                                ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.WIDGET_KEYS_WRITE).flatMap(caller -> {
            if (body.botId() == null) {
                return Mono.error(ApiProblem.invalid("botId", "Give the id of the bot the key is for."));
            }
            BotId bot = BotController.id(body.botId());
            return keys.create(caller.workspace(), bot)
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")))
                    .flatMap(created -> audit.record(caller, AuditEvent.Kind.WIDGET_KEY_CREATED,
                                    Map.of("botId", bot.value(), "widgetKey", created.key()), exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(view(created))));
        });
    }

    @PatchMapping(KEYS + "/{key}")
    public Mono<ResponseEntity<KeyView>> update(@PathVariable String workspaceId, @PathVariable String key,
                                                @RequestBody UpdateRequest body, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.WIDGET_KEYS_WRITE).flatMap(caller -> {
            if (body.enabled() == null) {
                return Mono.error(ApiProblem.invalid("enabled", "Give true or false."));
            }
            if (!KEY.matcher(key).matches()) {
                return Mono.error(ApiProblem.notFound("widget key"));
            }
            return keys.setEnabled(caller.workspace(), key, body.enabled())
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("widget key")))
                    .flatMap(updated -> audit.record(caller, AuditEvent.Kind.WIDGET_KEY_UPDATED,
                                    Map.of("botId", updated.botId().value(), "widgetKey", updated.key(),
                                            "enabled", Boolean.toString(updated.enabled())), exchange)
                            .thenReturn(ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(updated))));
        });
    }

    private static KeyView view(WidgetKeyListing key) {
        return new KeyView(key.key(), key.botId().value(), key.enabled(), key.createdAt());
    }
}
