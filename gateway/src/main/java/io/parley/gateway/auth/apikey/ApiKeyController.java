package io.parley.gateway.auth.apikey;

import io.parley.core.model.ApiKey;
import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.ApiKeys;
import io.parley.core.port.Clock;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.AuthAudit;
import io.parley.gateway.auth.session.OperatorAuthentication;
import io.parley.gateway.auth.throttle.ClientAddresses;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
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
 * key). Another workspace's id, or a key of another workspace, is answered 404 like an unknown one.
 */
@RestController
public class ApiKeyController {
    private static final String KEYS = "/api/v1/workspaces/{workspaceId}/api-keys";
    private static final int MAX_NAME_LENGTH = 100;
    private static final int MAX_EXPIRY_DAYS = 3650;

    private final ApiKeys apiKeys;
    private final ApiKeySecrets secrets;
    private final Workspaces workspaces;
    private final AuthAudit audit;
    private final ClientAddresses addresses;
    private final Clock clock;

    public ApiKeyController(ApiKeys apiKeys, ApiKeySecrets secrets, Workspaces workspaces, AuthAudit audit,
                            ClientAddresses addresses, Clock clock) {
        this.apiKeys = apiKeys;
        this.secrets = secrets;
        this.workspaces = workspaces;
        this.audit = audit;
        this.addresses = addresses;
        this.clock = clock;
    }

    public record CreateRequest(@Nullable String name, @Nullable List<String> scopes, @Nullable Integer expiresInDays) {
    }

    /** The one answer that holds the key itself. */
    public record CreatedKey(String id, String name, String key, String prefix, List<String> scopes, Instant createdAt,
                             @Nullable Instant expiresAt) {
    }

    public record KeyView(String id, String name, String prefix, List<String> scopes, Instant createdAt,
                          @Nullable Instant expiresAt, @Nullable Instant revokedAt) {
    }

    public record WhoAmI(String keyId, String workspaceId, List<String> scopes) {
    }

    @PostMapping(KEYS)
    public Mono<ResponseEntity<?>> create(@PathVariable String workspaceId, @RequestBody CreateRequest body,
                                          ServerWebExchange exchange) {
        return managing(workspaceId).flatMap(access -> {
            if (!(access instanceof Allowed allowed)) {
                return Mono.just(((Refused) access).entity());
            }
            String name = body.name() == null ? "" : body.name().strip();
            if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
                return Mono.just(badRequest("name", "Give a name of 1 to " + MAX_NAME_LENGTH + " characters."));
            }
            Optional<Set<ApiKeyScope>> scopes = scopes(body.scopes());
            if (scopes.isEmpty()) {
                return Mono.just(badRequest("scopes", "Give one or more of " + List.of(ApiKeyScope.values()).stream()
                        .map(ApiKeyScope::wire).toList() + "."));
            }
            Integer days = body.expiresInDays();
            if (days != null && (days < 1 || days > MAX_EXPIRY_DAYS)) {
                return Mono.just(badRequest("expiresInDays", "Give 1 to " + MAX_EXPIRY_DAYS + " days, or none."));
            }
            Instant expiresAt = days == null ? null : clock.now().plus(Duration.ofDays(days));
            String key = secrets.generate();
            return apiKeys.create(allowed.workspace(), name, scopes.get(), expiresAt, secrets.hash(key),
                            ApiKeySecrets.listedPrefix(key))
                    .flatMap(created -> audit.apiKeyCreated(allowed.operator(), created, addresses.of(exchange))
                            .thenReturn(ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(new CreatedKey(created.id().value(), created.name(), key, created.prefix(),
                                            wire(created.scopes()), created.createdAt(), created.expiresAt()))));
        });
    }

    @GetMapping(KEYS)
    public Mono<ResponseEntity<?>> list(@PathVariable String workspaceId) {
        return managing(workspaceId).flatMap(access -> access instanceof Allowed allowed
                ? apiKeys.list(allowed.workspace()).map(ApiKeyController::view).collectList()
                        .map(keys -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(keys))
                : Mono.just(((Refused) access).entity()));
    }

    @DeleteMapping(KEYS + "/{keyId}")
    public Mono<ResponseEntity<?>> revoke(@PathVariable String workspaceId, @PathVariable String keyId,
                                          ServerWebExchange exchange) {
        return managing(workspaceId).flatMap(access -> {
            if (!(access instanceof Allowed allowed)) {
                return Mono.just(((Refused) access).entity());
            }
            if (!ApiKeyId.isValid(keyId)) {
                return Mono.just(NOT_FOUND.entity());
            }
            ApiKeyId id = new ApiKeyId(keyId);
            return apiKeys.revoke(allowed.workspace(), id, clock.now())
                    .flatMap(revoked -> revoked
                            ? audit.apiKeyRevoked(allowed.operator(), allowed.workspace(), id, addresses.of(exchange))
                                    .thenReturn(ResponseEntity.noContent().build())
                            : Mono.just(NOT_FOUND.entity()));
        });
    }

    /** Who is calling, for API-key callers only: proves a key authenticates. */
    @GetMapping("/api/v1/api-key/whoami")
    public Mono<ResponseEntity<?>> whoami() {
        return authentication().map(auth -> auth instanceof ApiKeyAuthentication key
                ? ResponseEntity.ok().cacheControl(CacheControl.noStore())
                        .body(new WhoAmI(key.key().value(), key.workspace().value(), wire(key.scopes())))
                : FORBIDDEN.entity());
    }

    private sealed interface Access permits Allowed, Refused {
    }

    private record Allowed(io.parley.core.model.OperatorId operator, WorkspaceId workspace) implements Access {
    }

    private record Refused(HttpStatus status, String detail) implements Access {
        ResponseEntity<?> entity() {
            return ResponseEntity.of(ProblemDetail.forStatusAndDetail(status, detail)).build();
        }
    }

    private static final Refused NOT_FOUND = new Refused(HttpStatus.NOT_FOUND, "No such workspace or key.");
    private static final Refused FORBIDDEN = new Refused(HttpStatus.FORBIDDEN,
            "Only a workspace's owners and managers manage its API keys, signed in as themselves.");

    /** Allowed for the workspace's owners and managers; 404 when the caller is no member of it. */
    private Mono<Access> managing(String workspaceId) {
        return authentication().flatMap(auth -> {
            if (!(auth instanceof OperatorAuthentication operator)) {
                return Mono.just((Access) FORBIDDEN);
            }
            if (!WorkspaceId.isValid(workspaceId)) {
                return Mono.just((Access) NOT_FOUND);
            }
            WorkspaceId workspace = new WorkspaceId(workspaceId);
            return workspaces.membershipsOf(operator.operator())
                    .filter(membership -> membership.workspaceId().equals(workspace))
                    .next()
                    .map(membership -> membership.role() == Role.OWNER || membership.role() == Role.MANAGER
                            ? (Access) new Allowed(operator.operator(), workspace)
                            : FORBIDDEN)
                    .defaultIfEmpty(NOT_FOUND);
        });
    }

    private static Mono<Authentication> authentication() {
        return ReactiveSecurityContextHolder.getContext().mapNotNull(SecurityContext::getAuthentication);
    }

    private static Optional<Set<ApiKeyScope>> scopes(@Nullable List<String> wire) {
        if (wire == null || wire.isEmpty()) {
            return Optional.empty();
        }
        Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
        for (String scope : wire) {
            Optional<ApiKeyScope> known = scope == null ? Optional.empty() : ApiKeyScope.fromWire(scope);
            if (known.isEmpty()) {
                return Optional.empty();
            }
            scopes.add(known.get());
        }
        return Optional.of(scopes);
    }

    private static List<String> wire(Set<ApiKeyScope> scopes) {
        return scopes.stream().map(ApiKeyScope::wire).sorted().toList();
    }

    private static KeyView view(ApiKey key) {
        return new KeyView(key.id().value(), key.name(), key.prefix(), wire(key.scopes()), key.createdAt(),
                key.expiresAt(), key.revokedAt());
    }

    private static ResponseEntity<?> badRequest(String field, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
        problem.setProperty("field", field);
        return ResponseEntity.of(problem).build();
    }
}
