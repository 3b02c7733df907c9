package io.parley.gateway.auth.session;

import io.parley.core.model.OperatorId;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A request authenticated by a valid access token of a live session. Roles are looked up per call. */
public final class OperatorAuthentication extends AbstractAuthenticationToken {
    private final OperatorId operator;
    private final String sessionId;

    public OperatorAuthentication(OperatorId operator, String sessionId) {
        super(List.of());
        this.operator = operator;
        this.sessionId = sessionId;
        setAuthenticated(true);
    }

    public OperatorId operator() {
        return operator;
    }

    /** The refresh-token family of this session. */
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Object getPrincipal() {
        return operator;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return operator.value();
    }
}
