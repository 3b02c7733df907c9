package io.parley.gateway.auth.session;

import io.parley.gateway.auth.AuthAudit;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Refreshing and ending sessions, the signed-in operator, the CSRF token and the public signing keys. */
@RestController
public class SessionController {
    private final RefreshSessions sessions;
    private final Operators operators;
    private final Workspaces workspaces;
    private final SigningKeys signingKeys;
    private final AuthAudit audit;
    private final ClientAddresses addresses;

    public SessionController(RefreshSessions sessions, Operators operators, Workspaces workspaces,
                             SigningKeys signingKeys, AuthAudit audit, ClientAddresses addresses) {
        this.audit = audit;
        this.addresses = addresses;
        this.sessions = sessions;
        this.operators = operators;
        this.workspaces = workspaces;
        this.signingKeys = signingKeys;
    }

    public record RefreshRequest(@Nullable String refreshToken) {
    }

    public record Me(String operatorId, @Nullable String email, String displayName, java.util.List<MembershipView> memberships) {
    }

    public record MembershipView(String workspaceId, String workspaceName, String role) {
    }

    public record CsrfView(String headerName, String parameterName, String token) {
    }

    /**
     * API clients send {@code {"refreshToken": …}} and get new tokens in the body; the console sends
     * its refresh cookie (plus the CSRF header) and gets new cookies, and the access token in the body
     * for its agent socket.
     */
    @PostMapping("/api/v1/auth/refresh")
    public Mono<ResponseEntity<?>> refresh(@RequestBody(required = false) @Nullable RefreshRequest body,
                                           ServerWebExchange exchange) {
        String fromBody = body == null ? null : body.refreshToken();
        String token = fromBody != null ? fromBody : SessionCookies.read(exchange.getRequest(), SessionCookies.REFRESH);
        boolean cookieClient = fromBody == null;
        if (token == null) {
            return Mono.just(refused());
        }
        return sessions.rotate(token)
                .<ResponseEntity<?>>map(session -> {
                    if (!cookieClient) {
                        return SessionResponses.json(session);
                    }
                    SessionCookies.set(exchange.getResponse(), session);
                    return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(new SessionResponses.CookieSessionBody(session.accessToken(), "Bearer",
                                    session.accessLifetime().toSeconds()));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    if (cookieClient) {
                        SessionCookies.clear(exchange.getResponse());
                    }
                    return refused();
                }));
    }

    /**
     * Ends this session (its refresh-token family); {@code all=true} ends every session of the
     * operator. Without a valid access token, the refresh token (body or cookie) names the session.
     */
    @PostMapping("/api/v1/auth/logout")
    public Mono<ResponseEntity<Void>> logout(@RequestParam(name = "all", defaultValue = "false") boolean all,
                                             @RequestBody(required = false) @Nullable RefreshRequest body,
                                             ServerWebExchange exchange) {
        String refreshToken = body != null && body.refreshToken() != null
                ? body.refreshToken() : SessionCookies.read(exchange.getRequest(), SessionCookies.REFRESH);
        Mono<Void> byRefreshToken = refreshToken == null ? Mono.empty() : sessions.endByRefreshToken(refreshToken);
        return current().flatMap(auth -> sessions.end(auth.sessionId())
                        .then(all ? sessions.endAll(auth.operator()).then() : Mono.empty())
                        .then(audit.loggedOut(auth.operator(), all, addresses.of(exchange)))
                        .thenReturn(true))
                .switchIfEmpty(byRefreshToken.thenReturn(true))
                .then(Mono.fromSupplier(() -> {
                    SessionCookies.clear(exchange.getResponse());
                    return ResponseEntity.noContent().cacheControl(CacheControl.noStore()).<Void>build();
                }));
    }

    @GetMapping("/api/v1/me")
    public Mono<ResponseEntity<Me>> me() {
        return current().flatMap(auth -> operators.find(auth.operator())
                .flatMap(operator -> workspaces.membershipsOf(operator.id())
                        .concatMap(membership -> workspaces.find(membership.workspaceId())
                                .map(workspace -> new MembershipView(workspace.id().value(), workspace.name(),
                                        membership.role().wire())))
                        .collectList()
                        .map(memberships -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                                .body(new Me(operator.id().value(), operator.email(), operator.displayName(),
                                        memberships)))));
    }

    /** Issues (or repeats) the CSRF cookie, and says where to echo it. */
    @GetMapping("/api/v1/auth/csrf")
    public Mono<ResponseEntity<CsrfView>> csrf(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return (token == null ? Mono.<CsrfToken>empty() : token)
                .map(csrf -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                        .body(new CsrfView(csrf.getHeaderName(), csrf.getParameterName(), csrf.getToken())));
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
                .body(signingKeys.publicJwkSet());
    }

    private static Mono<OperatorAuthentication> current() {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .ofType(OperatorAuthentication.class);
    }

    private static ResponseEntity<?> refused() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).cacheControl(CacheControl.noStore())
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .body(Map.of("error", "invalid_refresh_token"));
    }
}
