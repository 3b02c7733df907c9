package io.parley.gateway.auth.apikey;

import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.WorkspaceId;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A request authenticated by a valid server API key: it acts for one workspace, within its scopes. */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {
    private final ApiKeyId key;
    private final WorkspaceId workspace;
    private final Set<ApiKeyScope> scopes;

    public ApiKeyAuthentication(ApiKeyId key, WorkspaceId workspace, Set<ApiKeyScope> scopes) {
        super(List.of());
        this.key = key;
        this.workspace = workspace;
        this.scopes = Set.copyOf(scopes);
        setAuthenticated(true);
    }

    public ApiKeyId key() {
        return key;
    }

    public WorkspaceId workspace() {
        return workspace;
    }

    public Set<ApiKeyScope> scopes() {
        return scopes;
    }

    @Override
    public Object getPrincipal() {
        return key;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return key.value();
    }
}
