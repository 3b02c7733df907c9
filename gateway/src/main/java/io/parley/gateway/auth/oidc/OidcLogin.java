package io.parley.gateway.auth.oidc;

import io.parley.core.model.AttemptKind;
import io.parley.core.model.OperatorId;
import io.parley.core.port.AuthThrottle;
import io.parley.gateway.auth.AuthAudit;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.magiclink.OperatorLogin;
import io.parley.gateway.auth.session.RefreshSessions;
import io.parley.gateway.auth.session.SessionCookies;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.gateway.auth.throttle.ThrottleResponses;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * OIDC login as Spring Security's {@code oauth2Login} runs it, with Parley's ends. The browser starts
 * at {@code /oauth2/authorization/{google|microsoft}} and is sent to the provider with a PKCE
 * challenge (S256), a random {@code state} and — the scope being {@code openid} — a random
 * {@code nonce}; the authorization request waits in Redis, bound to the browser by a cookie
 * ({@link PendingLoginRequests}), until the provider redirects back — to any node — to {@code /login/oauth2/code/{id}}. There Spring checks the state, redeems the code
 * once (with the PKCE verifier) and validates the ID token (signature, iss, aud, exp, nonce).
 *
 * <p>Success: the operator of the {@link OidcIdentities identity} is logged in (or signed up, by the
 * same rules as magic links), a session starts in the console's cookies, and the browser goes to the
 * console. Failure of any kind: a failure counted against the client address, an audit event, and a
 * plain 401 page that says nothing of the cause. An address past its limit of failures is answered
 * 429 before its callback is even looked at. The provider's tokens are not kept.
 */
public final class OidcLogin {
    static final String CALLBACK_PATTERN = OidcRegistrations.CALLBACK_PATH + "{registrationId}";
    private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);
    private static final Pattern REASON = Pattern.compile("[a-z_]{1,40}");

    private final OidcRegistrations registrations;
    private final OperatorLogin login;
    private final RefreshSessions sessions;
    private final AuthProperties auth;
    private final AuthThrottle throttle;
    private final ClientAddresses addresses;
    private final ObjectProvider<AuthAudit> audit;
    private final PendingLoginRequests pendingRequests;
    private final ServerWebExchangeMatcher callback = new PathPatternParserServerWebExchangeMatcher(CALLBACK_PATTERN);

    public OidcLogin(OidcRegistrations registrations, OperatorLogin login, RefreshSessions sessions,
                     AuthProperties auth, AuthThrottle throttle, ClientAddresses addresses,
                     ObjectProvider<AuthAudit> audit, PendingLoginRequests pendingRequests) {
        this.pendingRequests = pendingRequests;
        this.registrations = registrations;
        this.login = login;
        this.sessions = sessions;
        this.auth = auth;
        this.throttle = throttle;
        this.addresses = addresses;
        this.audit = audit;
    }

    /** Adds OIDC login to {@code http}: the redirect to the provider, the callback and its throttle. */
    public void configure(ServerHttpSecurity http) {
        http.oauth2Login(oauth2 -> oauth2
                        .clientRegistrationRepository(registrations)
                        .authorizationRequestResolver(authorizationRequests())
                        .authorizationRequestRepository(pendingRequests)
                        .authorizedClientRepository(new ForgetAuthorizedClients())
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                        .authenticationSuccessHandler(this::succeeded)
                        .authenticationFailureHandler(this::failed))
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .addFilterBefore(throttleFilter(), SecurityWebFiltersOrder.AUTHENTICATION);
    }

    ServerOAuth2AuthorizationRequestResolver authorizationRequests() {
        DefaultServerOAuth2AuthorizationRequestResolver resolver =
                new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        return resolver;
    }

    /** Refuses a callback from a client address that is locked out for its failed callbacks. */
    WebFilter throttleFilter() {
        return (exchange, chain) -> callback.matches(exchange).flatMap(match -> match.isMatch()
                ? throttle.check(AttemptKind.OIDC_CALLBACK_FAILURE_PER_ADDRESS, addresses.throttleSubject(exchange))
                        .flatMap(verdict -> verdict.allowed()
                                ? chain.filter(exchange)
                                : ThrottleResponses.tooManyAttempts(exchange, verdict))
                : chain.filter(exchange));
    }

    private Mono<Void> succeeded(WebFilterExchange webExchange, Authentication authentication) {
        ServerWebExchange exchange = webExchange.getExchange();
        OAuth2AuthenticationToken token = (OAuth2AuthenticationToken) authentication;
        String method = token.getAuthorizedClientRegistrationId();
        if (!(token.getPrincipal() instanceof OidcUser user)) {
            return refuse(exchange, method, "not_oidc");
        }
        return OidcIdentities.of(method, user)
                .map(who -> login.login(who.identity(), who.email(), who.displayName()).flatMap(outcome -> {
                    if (outcome instanceof OperatorLogin.Outcome.LoggedIn in) {
                        return sessions.start(in.operator()).flatMap(session -> {
                            SessionCookies.set(exchange.getResponse(), session);
                            return audited(in.operator().id(), in.signedUp(), method, exchange)
                                    .then(Mono.fromRunnable(() -> {
                                        exchange.getResponse().setStatusCode(HttpStatus.FOUND);
                                        exchange.getResponse().getHeaders().setLocation(URI.create(auth.link("/")));
                                        exchange.getResponse().getHeaders().setCacheControl("no-store");
                                    }))
                                    .then(exchange.getResponse().setComplete());
                        });
                    }
                    boolean closed = outcome instanceof OperatorLogin.Outcome.SignupClosed;
                    return auditFailure(method, closed ? "signup_closed" : "operator_disabled", exchange)
                            .then(OidcErrorPage.write(exchange.getResponse(), HttpStatus.FORBIDDEN,
                                    closed ? OidcErrorPage.SIGNUP_CLOSED : OidcErrorPage.DISABLED));
                }))
                .orElseGet(() -> refuse(exchange, method, "identity_claims_missing"));
    }

    private Mono<Void> failed(WebFilterExchange webExchange, AuthenticationException exception) {
        ServerWebExchange exchange = webExchange.getExchange();
        String reason = exception instanceof OAuth2AuthenticationException oauth2
                ? oauth2.getError().getErrorCode().toLowerCase(Locale.ROOT)
                : "authentication_failed";
        // the cause goes to the log and the audit trail, never to the browser
        LOG.info("OIDC login failed: {}", exception.getMessage());
        return refuse(exchange, methodOf(exchange), REASON.matcher(reason).matches() ? reason : "other");
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String method, String reason) {
        return throttle.failure(AttemptKind.OIDC_CALLBACK_FAILURE_PER_ADDRESS, addresses.throttleSubject(exchange))
                .then(auditFailure(method, reason, exchange))
                .then(OidcErrorPage.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, OidcErrorPage.FAILED));
    }

    private Mono<Void> audited(OperatorId operator, boolean signedUp, String method, ServerWebExchange exchange) {
        AuthAudit trail = audit.getIfAvailable();
        if (trail == null) {
            return Mono.empty();
        }
        String address = addresses.of(exchange);
        return (signedUp ? trail.signedUp(operator, method, address) : Mono.<Void>empty())
                .then(trail.loginSucceeded(operator, method, address));
    }

    private Mono<Void> auditFailure(String method, String reason, ServerWebExchange exchange) {
        AuthAudit trail = audit.getIfAvailable();
        return trail == null ? Mono.empty() : trail.loginFailed(method, reason, addresses.of(exchange));
    }

    /** The registration id from the callback's path, when it is one Parley knows; else {@code oidc}. */
    private String methodOf(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        String id = path.startsWith(OidcRegistrations.CALLBACK_PATH)
                ? path.substring(OidcRegistrations.CALLBACK_PATH.length()) : "";
        return id.equals(OidcRegistrations.GOOGLE) || id.equals(OidcRegistrations.MICROSOFT) ? id : "oidc";
    }

    /** Parley calls no provider API on the user's behalf, so the provider's tokens are dropped at once. */
    private static final class ForgetAuthorizedClients implements ServerOAuth2AuthorizedClientRepository {

        @Override
        public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String clientRegistrationId,
                @Nullable Authentication principal, ServerWebExchange exchange) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient,
                @Nullable Authentication principal, ServerWebExchange exchange) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> removeAuthorizedClient(String clientRegistrationId, @Nullable Authentication principal,
                ServerWebExchange exchange) {
            return Mono.empty();
        }
    }
}
