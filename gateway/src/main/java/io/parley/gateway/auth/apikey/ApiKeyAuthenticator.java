package io.parley.gateway.auth.apikey;

import io.parley.core.model.ApiKey;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.ApiKeys;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Clock;
import io.parley.gateway.api.ApiProblems;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.gateway.auth.throttle.ThrottleResponses;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates {@code Authorization: Bearer sk_…} as an {@link ApiKeyAuthentication}. An unknown,
 * revoked or expired key is answered 401 and counted as a failure of the client's address; an address
 * past its failure limit is answered 429 before any lookup. Other requests pass untouched.
 */
public final class ApiKeyAuthenticator {
    private static final String BEARER_KEY = "bearer " + ApiKeySecrets.KEY_PREFIX;

    private final ApiKeys apiKeys;
    private final ApiKeySecrets secrets;
    private final AuthThrottle throttle;
    private final ClientAddresses addresses;
    private final Clock clock;

    public ApiKeyAuthenticator(ApiKeys apiKeys, ApiKeySecrets secrets, AuthThrottle throttle,
                                      ClientAddresses addresses, Clock clock) {
        this.apiKeys = apiKeys;
        this.secrets = secrets;
        this.throttle = throttle;
        this.addresses = addresses;
        this.clock = clock;
    }

    /** Whether the request presents an API key (then it is judged by this filter alone). */
    public static boolean presentsApiKey(ServerHttpRequest request) {
        return presented(request) != null;
    }

    /** The security chain's filter step (deliberately no WebFilter bean, which would also run outside it). */
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String key = presented(exchange.getRequest());
        if (key == null) {
            return chain.filter(exchange);
        }
        String subject = addresses.throttleSubject(exchange);
        return throttle.check(AttemptKind.API_KEY_FAILURE_PER_ADDRESS, subject)
                .flatMap(verdict -> verdict.allowed()
                        ? valid(key).map(apiKey -> new ApiKeyAuthentication(apiKey.id(), apiKey.workspace(), apiKey.scopes()))
                                .flatMap(auth -> chain.filter(exchange)
                                        .contextWrite(ReactiveSecurityContextHolder.withAuthentication(auth))
                                        .thenReturn(true))
                                .switchIfEmpty(Mono.defer(() -> throttle.failure(AttemptKind.API_KEY_FAILURE_PER_ADDRESS, subject)
                                        .then(unauthorized(exchange.getResponse()))
                                        .thenReturn(true)))
                                .then()
                        : ThrottleResponses.tooManyAttempts(exchange, verdict));
    }

    private Mono<ApiKey> valid(String key) {
        if (!ApiKeySecrets.wellFormed(key)) {
            return Mono.empty();
        }
        return apiKeys.findByHash(secrets.hash(key)).filter(apiKey -> apiKey.validAt(clock.now()));
    }

    private static @Nullable String presented(ServerHttpRequest request) {
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER_KEY, 0, BEARER_KEY.length())) {
            return null;
        }
        return authorization.substring("bearer ".length()).strip();
    }

    private static Mono<Void> unauthorized(ServerHttpResponse response) {
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        return ApiProblems.write(response, ApiProblems.securityProblem(HttpStatus.UNAUTHORIZED, "invalid-api-key",
                "This API key is unknown, revoked or expired."));
    }
}
