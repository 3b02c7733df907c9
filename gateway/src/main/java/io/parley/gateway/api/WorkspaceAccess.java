package io.parley.gateway.api;

import io.parley.core.model.Permission;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.apikey.ApiKeyAuthentication;
import io.parley.gateway.auth.session.OperatorAuthentication;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one gate of every workspace-scoped REST call: resolves the caller in the workspace of the path
 * and checks the {@link Permission}. A workspace the caller does not belong to (or an API key of
 * another workspace) is answered 404 exactly like a workspace that does not exist; a member or key
 * lacking the permission gets 403 naming what it lacks. The role is read from the database on each
 * call, so a changed role takes effect at once.
 */
@Component
public final class WorkspaceAccess {
    private final Workspaces workspaces;

    public WorkspaceAccess(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    public Mono<Caller> require(String workspaceId, Permission permission) {
        return caller(workspaceId).flatMap(caller -> {
            if (caller.may(permission)) {
                return Mono.just(caller);
            }
            if (caller.role() != null) {
                return Mono.error(ApiProblem.forbidden("Your role (" + caller.role().wire() + ") may not do this ("
                        + permission.wire() + ").").with("permission", permission.wire()));
            }
            return Mono.error(permission.scope()
                    .map(scope -> ApiProblem.forbidden("This API key lacks the scope " + scope.wire() + ".")
                            .with("requiredScope", scope.wire()))
                    .orElseGet(() -> ApiProblem.forbidden("API keys may not do this; sign in as an operator.")
                            .with("permission", permission.wire())));
        });
    }

    /** The caller in this workspace, whatever it may do there; 404 when not of it. */
    public Mono<Caller> caller(String workspaceId) {
        return authentication().flatMap(auth -> {
            if (!WorkspaceId.isValid(workspaceId)) {
                return Mono.error(ApiProblem.notFound("workspace"));
            }
            WorkspaceId workspace = new WorkspaceId(workspaceId);
            if (auth instanceof ApiKeyAuthentication key) {
                return key.workspace().equals(workspace)
                        ? Mono.just(Caller.apiKey(workspace, key.key(), key.scopes()))
                        : Mono.error(ApiProblem.notFound("workspace"));
            }
            if (auth instanceof OperatorAuthentication operator) {
                return workspaces.membershipsOf(operator.operator())
                        .filter(membership -> membership.workspaceId().equals(workspace))
                        .next()
                        .map(membership -> Caller.operator(workspace, operator.operator(), membership.role()))
                        .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("workspace")));
            }
            return Mono.error(ApiProblem.forbidden("Sign in, or use a server API key."));
        }).switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("Sign in, or use a server API key.")));
    }

    public static Mono<Authentication> authentication() {
        return ReactiveSecurityContextHolder.getContext().mapNotNull(SecurityContext::getAuthentication);
    }
}
