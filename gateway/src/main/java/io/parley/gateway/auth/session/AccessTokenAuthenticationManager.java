package io.parley.gateway.auth.session;

import io.parley.core.port.Operators;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Mono;

/**
 * Accepts an access token that verifies and whose session is alive: its operator exists, is not
 * disabled, and has not ended all sessions since the token was issued (session version).
 */
public final class AccessTokenAuthenticationManager implements ReactiveAuthenticationManager {
    private final AccessTokens accessTokens;
    private final Operators operators;

    public AccessTokenAuthenticationManager(AccessTokens accessTokens, Operators operators) {
        this.accessTokens = accessTokens;
        this.operators = operators;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof AccessTokenCredentials credentials)) {
            return Mono.empty();
        }
        return Mono.justOrEmpty(accessTokens.verify(credentials.token()))
                .flatMap(token -> operators.find(token.operator())
                        .filter(operator -> !operator.disabled() && operator.sessionVersion() <= token.sessionVersion())
                        .map(operator -> (Authentication) new OperatorAuthentication(operator.id(), token.sessionId())))
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("invalid or revoked access token")));
    }
}
