package io.parley.gateway.api.workspace;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.Member;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Permission;
import io.parley.core.model.Role;
import io.parley.core.port.Members;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.WorkspaceAccess;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A workspace's members and their roles. Owners change any role; managers only give and take agent and
 * viewer (never touching owners or managers); a workspace never loses its last owner; any member may
 * leave by removing itself. A changed role or a removal ends the member's sessions.
 */
@RestController
public class MemberController {
    private static final String MEMBERS = "/api/v1/workspaces/{workspaceId}/members";

    private final Members members;
    private final WorkspaceAccess access;
    private final AdminAudit audit;

    public MemberController(Members members, WorkspaceAccess access, AdminAudit audit) {
        this.members = members;
        this.access = access;
        this.audit = audit;
    }

    public record MemberView(String operatorId, String displayName, @Nullable String email, String role, Instant joinedAt) {
    }

    public record RoleRequest(@Nullable String role) {
    }

    @GetMapping(MEMBERS)
    public Mono<Pages.Body<MemberView>> list(@PathVariable String workspaceId,
                                             @RequestParam(required = false) @Nullable String limit,
                                             @RequestParam(required = false) @Nullable String cursor) {
        return access.require(workspaceId, Permission.MEMBERS_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            return members.page(caller.workspace(), page.limit(), page.after())
                    .map(found -> Pages.body(found.map(MemberController::view)));
        });
    }

    @PatchMapping(MEMBERS + "/{operatorId}")
    public Mono<MemberView> changeRole(@PathVariable String workspaceId, @PathVariable String operatorId,
                                       @RequestBody RoleRequest body, ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.MEMBERS_MANAGE).flatMap(caller -> {
            Role role = role(body.role());
            if (!Permission.mayAssign(caller.role(), role)) {
                return Mono.error(ApiProblem.forbidden("A " + caller.role().wire() + " may not give the role "
                        + role.wire() + ".").with("permission", Permission.MEMBERS_MANAGE.wire()));
            }
            OperatorId target = operator(operatorId);
            return members.changeRole(caller.workspace(), target, role, assignable(caller))
                    .flatMap(change -> outcome(change, "change this member's role")
                            .then(Mono.defer(() -> change.previous() == role ? Mono.empty()
                                    : audit.record(caller, AuditEvent.Kind.MEMBER_ROLE_CHANGED, Map.of("operatorId",
                                            operatorId, "from", change.previous().wire(), "to", role.wire()), exchange))))
                    .then(members.find(caller.workspace(), target))
                    .map(MemberController::view);
        });
    }

    @DeleteMapping(MEMBERS + "/{operatorId}")
    public Mono<ResponseEntity<Void>> remove(@PathVariable String workspaceId, @PathVariable String operatorId,
                                             ServerWebExchange exchange) {
        return access.caller(workspaceId).flatMap(caller -> {
            OperatorId target = operator(operatorId);
            boolean leaving = target.equals(caller.operator());
            if (!leaving && !caller.may(Permission.MEMBERS_MANAGE)) {
                return Mono.error(caller.role() == null
                        ? ApiProblem.forbidden("API keys may not do this; sign in as an operator.")
                        : ApiProblem.forbidden("Your role (" + caller.role().wire() + ") may not remove members."));
            }
            Set<Role> removable = leaving ? EnumSet.allOf(Role.class) : assignable(caller);
            return members.remove(caller.workspace(), target, removable)
                    .flatMap(change -> outcome(change, "remove this member")
                            .then(Mono.defer(() -> audit.record(caller, AuditEvent.Kind.MEMBER_REMOVED, Map.of(
                                    "operatorId", operatorId, "role", change.previous().wire(),
                                    "left", Boolean.toString(leaving)), exchange))))
                    .thenReturn(ResponseEntity.noContent().<Void>build());
        });
    }

    private static Mono<Void> outcome(Members.Change change, String what) {
        return switch (change.outcome()) {
            case DONE -> Mono.empty();
            case NOT_A_MEMBER -> Mono.error(ApiProblem.notFound("member"));
            case ROLE_NOT_ALLOWED -> Mono.error(ApiProblem.forbidden("Your role may not " + what + " (a "
                    + change.previous().wire() + ")."));
            case LAST_OWNER -> Mono.error(ApiProblem.conflict("last-owner",
                    "A workspace needs an owner: make another member owner first."));
        };
    }

    /** The roles whose holders {@code caller} may change or remove. */
    static Set<Role> assignable(Caller caller) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(Role.values()).filter(role -> Permission.mayAssign(caller.role(), role)).forEach(roles::add);
        return roles;
    }

    static Role role(@Nullable String wire) {
        return Arrays.stream(Role.values()).filter(role -> role.wire().equals(wire)).findFirst()
                .orElseThrow(() -> ApiProblem.invalid("role", "Give one of owner, manager, agent, viewer."));
    }

    private static OperatorId operator(String operatorId) {
        if (!OperatorId.isValid(operatorId)) {
            throw ApiProblem.notFound("member");
        }
        return new OperatorId(operatorId);
    }

    private static MemberView view(Member member) {
        return new MemberView(member.operatorId().value(), member.displayName(), member.email(), member.role().wire(),
                member.joinedAt());
    }
}
