package io.parley.gateway.auth;

import io.parley.gateway.auth.session.AccessTokenAuthenticationConverter;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Which requests must carry a CSRF token: the unsafe ones a browser could send on a forged page's
 * behalf. That is a request whose credentials the browser attaches by itself (our session cookies)
 * or one a plain HTML form can send (a POST with a form, multipart, text/plain or no content type —
 * e.g. the magic-link confirm form, against login CSRF). Other methods cannot be sent cross-site
 * without a preflight. A request with an Authorization header, or a cookie-less JSON
 * request, cannot be sent cross-site without a CORS preflight, which Parley never grants.
 */
final class CsrfRequired implements ServerWebExchangeMatcher {
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);
    private static final Set<String> FORM_TYPES = Set.of(MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            MediaType.MULTIPART_FORM_DATA_VALUE, MediaType.TEXT_PLAIN_VALUE);

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        boolean required = !SAFE.contains(request.getMethod())
                && (AccessTokenAuthenticationConverter.authenticatesByCookie(request) || formLike(request));
        return required ? MatchResult.match() : MatchResult.notMatch();
    }

    private static boolean formLike(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.POST || request.getHeaders().containsHeader("Authorization")) {
            return false;
        }
        MediaType type;
        try {
            type = request.getHeaders().getContentType();
        } catch (RuntimeException e) {
            return true;
        }
        return type == null || FORM_TYPES.contains(type.getType() + "/" + type.getSubtype());
    }
}
