package io.parley.gateway.auth.session;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An access token found on a request, not yet verified. */
public final class AccessTokenCredentials extends AbstractAuthenticationToken {
    private final String token;
    private final boolean fromCookie;

    AccessTokenCredentials(String token, boolean fromCookie) {
        super(List.of());
        this.token = token;
        this.fromCookie = fromCookie;
    }

    public boolean fromCookie() {
        return fromCookie;
    }

    String token() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return "access-token";
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public String toString() {
        return "AccessTokenCredentials[fromCookie=" + fromCookie + "]";
    }
}
