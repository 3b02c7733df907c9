package io.parley.gateway.auth.session;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds the access token: {@code Authorization: Bearer} (API clients), else the access cookie (the
 * browser console). A request with an Authorization header is judged by that header alone, so a
 * cookie never authenticates a request that claims to be an API call.
 */
public final class AccessTokenAuthenticationConverter implements ServerAuthenticationConverter {
    private static final String BEARER = "bearer ";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            if (authorization.length() > BEARER.length() && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Mono.just(new AccessTokenCredentials(authorization.substring(BEARER.length()).strip(), false));
            }
            return Mono.empty();
        }
        String cookie = SessionCookies.read(request, SessionCookies.ACCESS);
        return cookie == null ? Mono.empty() : Mono.just(new AccessTokenCredentials(cookie, true));
    }

    /** Whether a browser may have attached this request's credentials on its own (cookies, no Authorization). */
    public static boolean authenticatesByCookie(ServerHttpRequest request) {
        return !request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION) && SessionCookies.present(request);
    }
}
