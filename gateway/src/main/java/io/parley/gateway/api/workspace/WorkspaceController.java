package io.parley.gateway.api.workspace;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.Permission;
import io.parley.core.port.Workspaces;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.WorkspaceAccess;
import io.parley.gateway.auth.session.OperatorAuthentication;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The workspaces an operator works in: list, create, read, rename. */
@RestController
public class WorkspaceController {
    static final int MAX_NAME_LENGTH = 100;

    private final Workspaces workspaces;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public WorkspaceController(Workspaces workspaces, WorkspaceAccess access, AdminAudit audit) {
        this.workspaces = workspaces;
        this.access = access;
        this.audit = audit;
    }

    public record WorkspaceView(String id, String name, @Nullable String role) {
    }

    public record NameRequest(@Nullable String name) {
    }

    /** The caller's workspaces with its role in each; an API key sees its own workspace only. */
    @GetMapping("/api/v1/workspaces")
    public Mono<List<WorkspaceView>> list() {
        return WorkspaceAccess.authentication().flatMap(auth -> {
            if (auth instanceof OperatorAuthentication operator) {
                return workspaces.membershipsOf(operator.operator())
                        .concatMap(membership -> workspaces.find(membership.workspaceId())
                                .map(workspace -> new WorkspaceView(workspace.id().value(), workspace.name(),
                                        membership.role().wire())))
                        .collectList();
            }
            if (auth instanceof io.parley.gateway.auth.apikey.ApiKeyAuthentication key) {
                return workspaces.find(key.workspace())
                        .map(workspace -> List.of(new WorkspaceView(workspace.id().value(), workspace.name(), null)));
            }
            return Mono.error(ApiProblem.forbidden("Sign in, or use a server API key."));
        });
    }

    /** A new workspace, owned by the signed-in operator. */
    @PostMapping("/api/v1/workspaces")
    public Mono<ResponseEntity<WorkspaceView>> create(@RequestBody NameRequest body) {
        return WorkspaceAccess.authentication()
                .filter(OperatorAuthentication.class::isInstance)
                .cast(OperatorAuthentication.class)
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("Only a signed-in operator creates workspaces.")))
                .flatMap(operator -> workspaces.createOwnedBy(name(body), operator.operator()))
                .map(workspace -> ResponseEntity.status(HttpStatus.CREATED)
                        .body(new WorkspaceView(workspace.id().value(), workspace.name(), "owner")));
    }

    @GetMapping("/api/v1/workspaces/{workspaceId}")
    public Mono<WorkspaceView> read(@PathVariable String workspaceId) {
        return access.require(workspaceId, Permission.WORKSPACE_READ)
                .flatMap(caller -> workspaces.find(caller.workspace()).map(workspace -> view(workspace, caller)));
    }

    @PatchMapping("/api/v1/workspaces/{workspaceId}")
    public Mono<WorkspaceView> rename(@PathVariable String workspaceId, @RequestBody NameRequest body,
                                      ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.WORKSPACE_UPDATE).flatMap(caller -> {
            String name = name(body);
            return workspaces.rename(caller.workspace(), name)
                    .flatMap(workspace -> audit.record(caller, AuditEvent.Kind.WORKSPACE_UPDATED,
                            Map.of("fields", "name"), exchange).thenReturn(view(workspace, caller)));
        });
    }

    private static String name(NameRequest body) {
        String name = body.name() == null ? "" : body.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiProblem.invalid("name", "Give a name of 1 to " + MAX_NAME_LENGTH + " characters, without control characters.");
        }
        return name;
    }

    private static WorkspaceView view(io.parley.core.model.Workspace workspace, Caller caller) {
        return new WorkspaceView(workspace.id().value(), workspace.name(), caller.role() == null ? null : caller.role().wire());
    }
}
