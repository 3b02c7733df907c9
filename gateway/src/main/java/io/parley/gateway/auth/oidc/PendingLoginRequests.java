package io.parley.gateway.auth.oidc;

import io.parley.core.port.PendingLogins;
import io.parley.gateway.auth.session.OpaqueTokens;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.server.ServerAuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Authorization requests on their way to Google or Microsoft and back, kept in Redis so that the
 * provider's redirect may land on any gateway node, and bound to the browser that started them: the
 * browser holds a random value in an HttpOnly cookie, Redis holds the request under its hash. A
 * callback without that cookie (another browser, a forged link) finds nothing. Each request is taken
 * once and expires after ten minutes.
 */
final class PendingLoginRequests implements ServerAuthorizationRequestRepository<OAuth2AuthorizationRequest> {
    static final String COOKIE = "__Host-parley-oidc";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PendingLogins pending;

    PendingLoginRequests(PendingLogins pending) {
        this.pending = pending;
    }

    @Override
    public Mono<Void> saveAuthorizationRequest(@Nullable OAuth2AuthorizationRequest request, ServerWebExchange exchange) {
        if (request == null) {
            return removeAuthorizationRequest(exchange).then();
        }
        String binding = OpaqueTokens.generate();
        return pending.put(idOf(binding), encode(request), LIFETIME)
                .then(Mono.fromRunnable(() -> exchange.getResponse().addCookie(cookie(binding, LIFETIME))));
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> loadAuthorizationRequest(ServerWebExchange exchange) {
        // Only removal is used on the callback (Spring takes the request once); loading would not consume it.
        return Mono.empty();
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> removeAuthorizationRequest(ServerWebExchange exchange) {
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
        String state = exchange.getRequest().getQueryParams().getFirst("state");
        if (cookie == null || !OpaqueTokens.wellFormed(cookie.getValue()) || state == null || state.isEmpty()) {
            return Mono.empty();
        }
        exchange.getResponse().addCookie(cookie("", Duration.ZERO));
        return pending.take(idOf(cookie.getValue())).map(PendingLoginRequests::decode);
    }

    private static ResponseCookie cookie(String value, Duration maxAge) {
        // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
        return ResponseCookie.from(COOKIE, value).httpOnly(true).secure(true).sameSite("Lax").path("/")
                .maxAge(maxAge).build();
    }

    private static String idOf(String binding) {
        return HexFormat.of().formatHex(OpaqueTokens.hash(binding));
    }

    static String encode(OAuth2AuthorizationRequest request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("authorizationUri", request.getAuthorizationUri());
        node.put("clientId", request.getClientId());
        node.put("redirectUri", request.getRedirectUri());
        node.put("state", request.getState());
        node.put("authorizationRequestUri", request.getAuthorizationRequestUri());
        node.putPOJO("scopes", request.getScopes());
        node.set("additionalParameters", strings(request.getAdditionalParameters()));
        node.set("attributes", strings(request.getAttributes()));
        return JSON.writeValueAsString(node);
    }

    static OAuth2AuthorizationRequest decode(String json) {
        JsonNode node = JSON.readTree(json);
        Set<String> scopes = new LinkedHashSet<>();
        node.get("scopes").forEach(scope -> scopes.add(scope.asString()));
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(node.get("authorizationUri").asString())
                .clientId(node.get("clientId").asString())
                .redirectUri(node.get("redirectUri").asString())
                .state(node.get("state").asString())
                .scopes(scopes)
                .additionalParameters(map(node.get("additionalParameters")))
                .attributes(map(node.get("attributes")))
                .authorizationRequestUri(node.get("authorizationRequestUri").asString())
                .build();
    }

    /** Parameters and attributes of an authorization-code request are all strings (state, nonce, PKCE, ids). */
    private static ObjectNode strings(Map<String, Object> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach((name, value) -> node.put(name, String.valueOf(value)));
        return node;
    }

    private static Map<String, Object> map(JsonNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        node.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asString()));
        return values;
    }
}
