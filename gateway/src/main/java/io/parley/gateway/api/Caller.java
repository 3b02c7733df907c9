package io.parley.gateway.api;

import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Permission;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling, inside the one workspace the request is about: a signed-in operator with a role
 * there, or one of its server API keys with scopes. Exactly one of {@code operator} and {@code apiKey}
 * is set.
 */
public record Caller(WorkspaceId workspace, @Nullable OperatorId operator, @Nullable Role role,
                     @Nullable ApiKeyId apiKey, Set<ApiKeyScope> scopes) {

    public Caller {
        scopes = Set.copyOf(scopes);
        if ((operator == null) == (apiKey == null) || (operator == null) != (role == null)) {
            throw new IllegalArgumentException("a caller is an operator with a role or an API key");
        }
    }

    public static Caller operator(WorkspaceId workspace, OperatorId operator, Role role) {
        return new Caller(workspace, operator, role, null, Set.of());
    }

    public static Caller apiKey(WorkspaceId workspace, ApiKeyId key, Set<ApiKeyScope> scopes) {
        return new Caller(workspace, null, null, key, scopes);
    }

    public boolean may(Permission permission) {
        if (role != null) {
            return permission.allows(role);
        }
        return permission.scope().map(scopes::contains).orElse(false);
    }

    /** Whether visitors' e-mail, name, phone and IP are shown to this caller unmasked. */
    public boolean seesPersonalData() {
        return may(Permission.PERSONAL_DATA_READ);
    }

    /** Facts naming the caller and workspace, for the details of an audit event. */
    public Map<String, String> auditDetails() {
        return apiKey == null
                ? Map.of(io.parley.core.model.AuditEvent.WORKSPACE, workspace.value(), "role", role.wire())
                : Map.of(io.parley.core.model.AuditEvent.WORKSPACE, workspace.value(), "apiKey", apiKey.value());
    }
}
