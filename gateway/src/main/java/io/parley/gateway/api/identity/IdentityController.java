package io.parley.gateway.api.identity;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.BotId;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.Permission;
import io.parley.core.port.IdentityVerification;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A bot's identity verification: whether it accepts only visitors whose site signed their identity,
 * and the secrets the site signs with (at most two active, so that one can replace the other). A secret
 * is shown once, when created. Another workspace's bot is answered 404 like an unknown one.
 */
@RestController
public class IdentityController {
    private static final String IDENTITY = "/api/v1/workspaces/{workspaceId}/bots/{botId}/identity";

    private final IdentityVerification identities;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public IdentityController(IdentityVerification identities, WorkspaceAccess access, AdminAudit audit) {
        this.identities = identities;
        this.access = access;
        this.audit = audit;
    }

    public record SettingsRequest(@Nullable Boolean verifiedVisitorsOnly) {
    }

    public record SecretView(String id, Instant createdAt) {
    }

    public record SettingsView(boolean verifiedVisitorsOnly, List<SecretView> secrets) {
    }

    /** The one answer that holds the secret itself, base64url without padding. */
    public record CreatedSecret(String id, String secret, Instant createdAt) {
    }

    @GetMapping(IDENTITY)
    public Mono<ResponseEntity<SettingsView>> settings(@PathVariable String workspaceId, @PathVariable String botId) {
        return access.require(workspaceId, Permission.BOTS_READ)
                .flatMap(caller -> settingsOf(caller, botId))
                .map(settings -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(settings)));
    }

    @PutMapping(IDENTITY)
    public Mono<ResponseEntity<SettingsView>> update(@PathVariable String workspaceId, @PathVariable String botId,
                                                     @RequestBody SettingsRequest body, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> {
            Boolean verifiedOnly = body.verifiedVisitorsOnly();
            if (verifiedOnly == null) {
                return Mono.error(ApiProblem.invalid("verifiedVisitorsOnly", "Give true or false."));
            }
            if (!BotId.isValid(botId)) {
                return Mono.error(ApiProblem.notFound("bot"));
            }
            return identities.setVerifiedVisitorsOnly(caller.workspace(), new BotId(botId), verifiedOnly)
                    .flatMap(updated -> updated
                            ? audit.record(caller, AuditEvent.Kind.BOT_UPDATED,
                                    Map.of("botId", botId, "fields", "verifiedVisitorsOnly"), exchange)
                                    .then(settingsOf(caller, botId))
                            : Mono.error(ApiProblem.notFound("bot")))
                    .map(settings -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(settings)));
        });
    }

    @PostMapping(IDENTITY + "/secrets")
    public Mono<ResponseEntity<CreatedSecret>> createSecret(@PathVariable String workspaceId, @PathVariable String botId,
                                                            ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> settingsOf(caller, botId)
                .flatMap(settings -> identities.createSecret(new BotId(botId)))
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("identity-secret-limit",
                        "This bot has " + IdentityVerification.MAX_ACTIVE_SECRETS
                                + " active identity secrets already; revoke one before creating another.")))
                .flatMap(created -> audit.record(caller, AuditEvent.Kind.IDENTITY_SECRET_CREATED,
                                Map.of("botId", botId, "secretId", created.id().value()), exchange)
                        .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                .body(new CreatedSecret(created.id().value(),
                                        Base64.getUrlEncoder().withoutPadding().encodeToString(created.secret()),
                                        created.createdAt())))));
    }

    @DeleteMapping(IDENTITY + "/secrets/{secretId}")
    public Mono<ResponseEntity<Void>> revokeSecret(@PathVariable String workspaceId, @PathVariable String botId,
                                                   @PathVariable String secretId, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.BOTS_WRITE).flatMap(caller -> settingsOf(caller, botId)
                .flatMap(settings -> IdentitySecretId.isValid(secretId)
                        ? identities.revokeSecret(new BotId(botId), new IdentitySecretId(secretId))
                        : Mono.just(false))
                .flatMap(revoked -> revoked
                        ? audit.record(caller, AuditEvent.Kind.IDENTITY_SECRET_REVOKED,
                                        Map.of("botId", botId, "secretId", secretId), exchange)
                                .thenReturn(ResponseEntity.noContent().<Void>build())
                        : Mono.error(ApiProblem.notFound("active identity secret"))));
    }

    /** The settings of the caller's workspace's bot; 404 when it has no such bot. */
    private Mono<IdentityVerification.Settings> settingsOf(Caller caller, String botId) {
        if (!BotId.isValid(botId)) {
            return Mono.error(ApiProblem.notFound("bot"));
        }
        return identities.settings(caller.workspace(), new BotId(botId))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("bot")));
    }

    private static SettingsView view(IdentityVerification.Settings settings) {
        return new SettingsView(settings.verifiedVisitorsOnly(), settings.activeSecrets().stream()
                .map(s -> new SecretView(s.id().value(), s.createdAt()))
                .toList());
    }
}
