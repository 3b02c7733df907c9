package io.parley.gateway.auth;

import io.parley.core.port.Operators;
import io.parley.gateway.api.ApiProblems;
import io.parley.gateway.auth.apikey.ApiKeyAuthenticator;
import io.parley.gateway.auth.oidc.OidcLogin;
import io.parley.gateway.auth.session.AccessTokenAuthenticationConverter;
import io.parley.gateway.auth.session.AccessTokenAuthenticationManager;
import io.parley.gateway.auth.session.AccessTokens;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import reactor.core.publisher.Mono;

/**
 * Who may call what. Visitors authenticate inside the WebSocket protocol (widget key, visitor
 * token), so {@code /ws/visitor} is open at the HTTP level; the operators' API needs an access
 * token, from {@code Authorization: Bearer} (API clients) or the access cookie (browser console), or a
 * server API key ({@code Bearer sk_…}, see {@link ApiKeyAuthenticator}).
 * Stateless: no server session, nothing remembered between requests. No form login, no HTTP basic,
 * no passwords anywhere. HSTS, frame and content-type headers come from Parley's own filters (tls,
 * ops), so Spring Security's copies are off.
 *
 * <p>CSRF: double-submit — the {@code __Host-XSRF-TOKEN} cookie (readable by the console's script)
 * must be echoed in {@code X-XSRF-TOKEN} or a {@code _csrf} form field, on the requests
 * {@link CsrfRequired} names: unsafe and cookie-authenticated or form-shaped. Bearer requests are
 * exempt: a browser never adds an Authorization header by itself.
 *
 * <p>OIDC login (Google, Microsoft), when some provider's client id is configured: see
 * {@link OidcLogin}. Its redirect and callback are GETs, outside CSRF's reach; its state, nonce and
 * PKCE verifier guard the callback instead.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityRules {
    public static final String CSRF_COOKIE = "__Host-XSRF-TOKEN";
    public static final String CSRF_HEADER = "X-XSRF-TOKEN";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, AccessTokens accessTokens,
                                                  Operators operators, ApiKeyAuthenticator apiKeys,
                                                  ObjectProvider<OidcLogin> oidcLogin) {
        http
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .csrf(csrf -> csrf
                        .csrfTokenRepository(csrfTokens())
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(new CsrfRequired()))
                .addFilterAt(accessTokenFilter(accessTokens, operators), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAt(apiKeys::filter, SecurityWebFiltersOrder.AUTHENTICATION)
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated())
                        .accessDeniedHandler((exchange, denied) -> ApiProblems.write(exchange.getResponse(),
                                ApiProblems.securityProblem(HttpStatus.FORBIDDEN, "forbidden",
                                        "Refused: a state-changing request from the browser needs the "
                                                + CSRF_HEADER + " header (from the " + CSRF_COOKIE + " cookie)."))))
                .headers(headers -> headers
                        .hsts(ServerHttpSecurity.HeaderSpec.HstsSpec::disable)
                        .frameOptions(ServerHttpSecurity.HeaderSpec.FrameOptionsSpec::disable)
                        .contentTypeOptions(ServerHttpSecurity.HeaderSpec.ContentTypeOptionsSpec::disable))
                .authorizeExchange(exchanges -> exchanges
                        // logout also works with only a refresh token (an idle console's access cookie expired)
                        .pathMatchers("/api/v1/auth/**").permitAll()
                        .pathMatchers("/api/**").authenticated()
                        .anyExchange().permitAll());
        oidcLogin.ifAvailable(login -> login.configure(http));
        return http.build();
    }

    static CookieServerCsrfTokenRepository csrfTokens() {
        CookieServerCsrfTokenRepository tokens = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        tokens.setCookieName(CSRF_COOKIE);
        tokens.setHeaderName(CSRF_HEADER);
        tokens.setCookieCustomizer(cookie -> cookie.secure(true).sameSite("Strict").path("/"));
        return tokens;
    }

    private static AuthenticationWebFilter accessTokenFilter(AccessTokens accessTokens, Operators operators) {
        AuthenticationWebFilter filter = new AuthenticationWebFilter(
                new AccessTokenAuthenticationManager(accessTokens, operators));
        AccessTokenAuthenticationConverter converter = new AccessTokenAuthenticationConverter();
        // Bearer sk_… is an API key: ApiKeyAuthenticator alone judges it.
        filter.setServerAuthenticationConverter(exchange -> ApiKeyAuthenticator.presentsApiKey(exchange.getRequest())
                ? Mono.empty() : converter.convert(exchange));
        filter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        filter.setAuthenticationFailureHandler((webFilterExchange, exception) -> {
            var exchange = webFilterExchange.getExchange();
            // A stale cookie must not lock a browser out of logging in again: such a request goes on
            // unauthenticated, and the authorization rules decide. A bad Bearer token is an error.
            if (AccessTokenAuthenticationConverter.authenticatesByCookie(exchange.getRequest())) {
                return webFilterExchange.getChain().filter(exchange);
            }
            return writeUnauthorized(exchange.getResponse(), "Bearer error=\"invalid_token\"");
        });
        return filter;
    }

    private static ServerAuthenticationEntryPoint unauthenticated() {
        return (exchange, exception) -> writeUnauthorized(exchange.getResponse(), "Bearer");
    }

    private static Mono<Void> writeUnauthorized(ServerHttpResponse response, String challenge) {
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return ApiProblems.write(response, ApiProblems.securityProblem(HttpStatus.UNAUTHORIZED, "unauthenticated",
                "Sign in (Bearer access token or the session cookie), or send a server API key."));
    }

}
