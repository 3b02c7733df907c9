package io.parley.gateway.auth.apikey;

import io.parley.core.model.ApiKey;
import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.AuditEvent;
import io.parley.core.model.Permission;
import io.parley.core.port.ApiKeys;
import io.parley.core.port.Clock;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A workspace's server API keys, managed by its owners and managers (signed-in operators, never an API
 * key: {@link Permission#API_KEYS_MANAGE} has no scope). Another workspace's id, or a key of another
 * workspace, is answered 404 like an unknown one.
 */
@RestController
public class ApiKeyController {
    static final Duration MAX_OVERLAP = Duration.ofDays(30);
    private static final String KEYS = "/api/v1/workspaces/{workspaceId}/api-keys";
    private static final int MAX_NAME_LENGTH = 100;
    private static final int MAX_EXPIRY_DAYS = 3650;

    private final ApiKeys apiKeys;
    private final ApiKeySecrets secrets;
    private final WorkspaceAccess access;
    private final AdminAudit audit;
    private final Clock clock;
    private final Duration defaultOverlap;

    public ApiKeyController(ApiKeys apiKeys, ApiKeySecrets secrets, WorkspaceAccess access, AdminAudit audit,
                            Clock clock, ApiKeyProperties properties) {
        this.apiKeys = apiKeys;
        this.secrets = secrets;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.defaultOverlap = properties.apiKeyRotationOverlap();
    }

    public record CreateRequest(@Nullable String name, @Nullable List<String> scopes, @Nullable Integer expiresInDays) {
    }

    public record RotateRequest(@Nullable Integer overlapMinutes) {
    }

    /** The one answer that holds the key itself. */
    public record CreatedKey(String id, String name, String key, String prefix, List<String> scopes, Instant createdAt,
                             @Nullable Instant expiresAt) {
    }

    /** A rotation's answer: the new key (shown once) and until when the old one still works. */
    public record RotatedKey(CreatedKey key, String replaces, Instant oldKeyValidUntil) {
    }

    public record KeyView(String id, String name, String prefix, List<String> scopes, Instant createdAt,
                          @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable String rotatedTo) {
    }

    public record WhoAmI(String keyId, String workspaceId, List<String> scopes) {
    }

    @PostMapping(KEYS)
    public Mono<ResponseEntity<CreatedKey>> create(@PathVariable String workspaceId, @RequestBody CreateRequest body,
                                                   ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.API_KEYS_MANAGE).flatMap(caller -> {
            List<ApiProblem.FieldError> errors = new ArrayList<>();
            String name = body.name() == null ? "" : body.name().strip();
            if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
                errors.add(new ApiProblem.FieldError("name", "Give a name of 1 to " + MAX_NAME_LENGTH
                        + " characters, without control characters."));
            }
            Set<ApiKeyScope> scopes = scopes(body.scopes(), errors);
            Integer days = body.expiresInDays();
            if (days != null && (days < 1 || days > MAX_EXPIRY_DAYS)) {
                errors.add(new ApiProblem.FieldError("expiresInDays", "Give 1 to " + MAX_EXPIRY_DAYS + " days, or none."));
            }
            if (!errors.isEmpty()) {
                return Mono.error(ApiProblem.invalid(errors));
            }
            Instant expiresAt = days == null ? null : clock.now().plus(Duration.ofDays(days));
            String key = secrets.generate();
            return apiKeys.create(caller.workspace(), name, scopes, expiresAt, secrets.hash(key),
                            ApiKeySecrets.listedPrefix(key))
                    .flatMap(created -> audit.record(caller, AuditEvent.Kind.API_KEY_CREATED,
                                    Map.of("apiKey", created.id().value(), "prefix", created.prefix()), exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(created(created, key))));
        });
    }

    @GetMapping(KEYS)
    public Mono<ResponseEntity<List<KeyView>>> list(@PathVariable String workspaceId) {
        return access.require(workspaceId, Permission.API_KEYS_MANAGE)
                .flatMap(caller -> apiKeys.list(caller.workspace()).map(ApiKeyController::view).collectList())
                .map(keys -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(keys));
    }

    /**
     * Issues a new key with the old one's name, scopes and expiry; the old key keeps working for the
     * overlap (default {@code parley.auth.api-key-rotation-overlap}), so that clients can switch without an
     * outage, and then stops.
     */
    @PostMapping(KEYS + "/{keyId}/rotate")
    public Mono<ResponseEntity<RotatedKey>> rotate(@PathVariable String workspaceId, @PathVariable String keyId,
                                                   @RequestBody(required = false) @Nullable RotateRequest body,
                                                   ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.API_KEYS_MANAGE).flatMap(caller -> {
            Integer minutes = body == null ? null : body.overlapMinutes();
            if (minutes != null && (minutes < 0 || minutes > MAX_OVERLAP.toMinutes())) {
                return Mono.error(ApiProblem.invalid("overlapMinutes",
                        "Give 0 to " + MAX_OVERLAP.toMinutes() + " minutes, or none for the default."));
            }
            if (!ApiKeyId.isValid(keyId)) {
                return Mono.error(ApiProblem.notFound("API key"));
            }
            Duration overlap = minutes == null ? defaultOverlap : Duration.ofMinutes(minutes);
            Instant oldValidUntil = clock.now().plus(overlap);
            String key = secrets.generate();
            return apiKeys.rotate(caller.workspace(), new ApiKeyId(keyId), oldValidUntil, secrets.hash(key),
                            ApiKeySecrets.listedPrefix(key))
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("valid, unrotated API key")))
                    .flatMap(created -> audit.record(caller, AuditEvent.Kind.API_KEY_ROTATED,
                                    Map.of("apiKey", keyId, "rotatedTo", created.id().value(),
                                            "prefix", created.prefix(), "overlapMinutes",
                                            Long.toString(overlap.toMinutes())), exchange)
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(new RotatedKey(created(created, key), keyId, oldValidUntil))));
        });
    }

    @DeleteMapping(KEYS + "/{keyId}")
    public Mono<ResponseEntity<Void>> revoke(@PathVariable String workspaceId, @PathVariable String keyId,
                                             ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.API_KEYS_MANAGE).flatMap(caller -> {
            if (!ApiKeyId.isValid(keyId)) {
                return Mono.error(ApiProblem.notFound("API key"));
            }
            ApiKeyId id = new ApiKeyId(keyId);
            return apiKeys.revoke(caller.workspace(), id, clock.now())
                    .flatMap(revoked -> revoked
                            ? audit.record(caller, AuditEvent.Kind.API_KEY_REVOKED, Map.of("apiKey", keyId), exchange)
                                    .thenReturn(ResponseEntity.noContent().<Void>build())
                            : Mono.error(ApiProblem.notFound("API key")));
        });
    }

    /** Who is calling, for API-key callers only: proves a key authenticates. */
    @GetMapping("/api/v1/api-key/whoami")
    public Mono<ResponseEntity<WhoAmI>> whoami() {
        return WorkspaceAccess.authentication()
                .filter(ApiKeyAuthentication.class::isInstance)
                .cast(ApiKeyAuthentication.class)
                .map(key -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                        .body(new WhoAmI(key.key().value(), key.workspace().value(), wire(key.scopes()))))
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("Only an API key can ask who it is.")));
    }

    private static Set<ApiKeyScope> scopes(@Nullable List<String> wire, List<ApiProblem.FieldError> errors) {
        Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
        if (wire != null) {
            for (String scope : wire) {
                ApiKeyScope.fromWire(scope == null ? "" : scope).ifPresentOrElse(scopes::add, () -> scopes.clear());
                if (scopes.isEmpty()) {
                    break;
                }
            }
        }
        if (scopes.isEmpty()) {
            errors.add(new ApiProblem.FieldError("scopes", "Give one or more of " + List.of(ApiKeyScope.values()).stream()
                    .map(ApiKeyScope::wire).toList() + "."));
        }
        return scopes;
    }

    private static List<String> wire(Set<ApiKeyScope> scopes) {
        return scopes.stream().map(ApiKeyScope::wire).sorted().toList();
    }

    private static CreatedKey created(ApiKey created, String key) {
        return new CreatedKey(created.id().value(), created.name(), key, created.prefix(), wire(created.scopes()),
                created.createdAt(), created.expiresAt());
    }

    private static KeyView view(ApiKey key) {
        return new KeyView(key.id().value(), key.name(), key.prefix(), wire(key.scopes()), key.createdAt(),
                key.expiresAt(), key.revokedAt(), key.rotatedTo() == null ? null : key.rotatedTo().value());
    }
}
