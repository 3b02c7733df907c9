package io.parley.gateway.api.workspace;

import io.parley.core.model.AuditEvent;
import io.parley.core.model.Invite;
import io.parley.core.model.Permission;
import io.parley.core.model.Role;
import io.parley.core.port.Clock;
import io.parley.core.port.Invites;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.api.AdminAudit;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Caller;
import io.parley.gateway.api.WorkspaceAccess;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.magiclink.EmailAddresses;
import io.parley.gateway.auth.session.OpaqueTokens;
import io.parley.gateway.auth.session.OperatorAuthentication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Invitations: an owner (any role) or manager (agent, viewer) invites an e-mail address; the invitee signs
 * in with that address (magic link or OIDC with that e-mail) and accepts with the token from the e-mail.
 * The token is shown once (in the e-mail, and in the creation answer for installations without mail)
 * and stored only as its hash.
 */
@RestController
public class InviteController {
    private static final Logger LOG = LoggerFactory.getLogger(InviteController.class);
    static final Duration LIFETIME = Duration.ofDays(7);
    private static final String INVITES = "/api/v1/workspaces/{workspaceId}/invites";
    static final String ACCEPT_PATH = "/invite";

    private final Invites invites;
    private final Workspaces workspaces;
    private final Operators operators;
    private final WorkspaceAccess access;
    private final AdminAudit audit;
    private final InviteMailer mailer;
    private final AuthProperties auth;
    private final Clock clock;

    public InviteController(Invites invites, Workspaces workspaces, Operators operators, WorkspaceAccess access,
                            AdminAudit audit, InviteMailer mailer, AuthProperties auth, Clock clock) {
        this.invites = invites;
        this.workspaces = workspaces;
        this.operators = operators;
        this.access = access;
        this.audit = audit;
        this.mailer = mailer;
        this.auth = auth;
        this.clock = clock;
    }

    public record InviteRequest(@Nullable String email, @Nullable String role) {
    }

    public record AcceptRequest(@Nullable String token) {
    }

    public record InviteView(String id, String email, String role, String invitedBy, Instant createdAt, Instant expiresAt) {
    }

    /** The creation answer: the invite, whether the e-mail went out, and the link (shown this once). */
    public record CreatedInvite(InviteView invite, boolean emailSent, String acceptUrl) {
    }

    public record Joined(String workspaceId, String role) {
    }

    @PostMapping(INVITES)
    public Mono<ResponseEntity<CreatedInvite>> invite(@PathVariable String workspaceId, @RequestBody InviteRequest body,
                                                      ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.MEMBERS_MANAGE).flatMap(caller -> {
            String email = EmailAddresses.normalise(body.email()).orElseThrow(() ->
                    ApiProblem.invalid("email", "Give the invitee's e-mail address."));
            Role role = MemberController.role(body.role());
            if (!Permission.mayAssign(caller.role(), role)) {
                return Mono.error(ApiProblem.forbidden("A " + caller.role().wire() + " may not invite as " + role.wire() + "."));
            }
            String token = OpaqueTokens.generate();
            String link = auth.link(ACCEPT_PATH) + "?token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII);
            Instant expiresAt = clock.now().plus(LIFETIME);
            return invites.create(caller.workspace(), email, role, caller.operator(), OpaqueTokens.hash(token), expiresAt)
                    .flatMap(invite -> audit.record(caller, AuditEvent.Kind.MEMBER_INVITED, Map.of("inviteId", invite.id(),
                                    "role", role.wire()), exchange)
                            .then(send(invite, link))
                            .map(sent -> ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                                    .body(new CreatedInvite(view(invite), sent, link))));
        });
    }

    @GetMapping(INVITES)
    public Mono<List<InviteView>> pending(@PathVariable String workspaceId) {
        return access.require(workspaceId, Permission.MEMBERS_MANAGE)
                .flatMap(caller -> invites.pending(caller.workspace(), clock.now()).map(InviteController::view).collectList());
    }

    @DeleteMapping(INVITES + "/{inviteId}")
    public Mono<ResponseEntity<Void>> revoke(@PathVariable String workspaceId, @PathVariable String inviteId,
                                             ServerWebExchange exchange) {
        return access.require(workspaceId, Permission.MEMBERS_MANAGE)
                .flatMap(caller -> invites.revoke(caller.workspace(), inviteId, clock.now())
                        .flatMap(revoked -> revoked
                                ? audit.record(caller, AuditEvent.Kind.INVITE_REVOKED, Map.of("inviteId", inviteId), exchange)
                                        .thenReturn(ResponseEntity.noContent().<Void>build())
                                : Mono.error(ApiProblem.notFound("pending invite"))));
    }

    /** The signed-in invitee joins: its e-mail must be the invited one. */
    @PostMapping("/api/v1/invites/accept")
    public Mono<Joined> accept(@RequestBody AcceptRequest body, ServerWebExchange exchange) {
        return WorkspaceAccess.authentication()
                .filter(OperatorAuthentication.class::isInstance)
                .cast(OperatorAuthentication.class)
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("Sign in with the invited e-mail address first.")))
                .flatMap(operator -> {
                    String token = body.token();
                    if (token == null || !OpaqueTokens.wellFormed(token)) {
                        return Mono.error(ApiProblem.invalid("token", "Give the token from the invitation link."));
                    }
                    Instant now = clock.now();
                    return invites.findByTokenHash(OpaqueTokens.hash(token))
                            .filter(invite -> invite.pendingAt(now))
                            .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.GONE, "invite-unusable",
                                    "This invitation is unknown, used, revoked or expired; ask for a new one.")))
                            .flatMap(invite -> operators.find(operator.operator())
                                    .filter(me -> invite.email().equals(me.email()))
                                    .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden(
                                            "This invitation was sent to another e-mail address.")))
                                    .then(invites.accept(invite.id(), operator.operator(), now))
                                    .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("already-member",
                                            "You are already a member of this workspace (or the invitation was just used).")))
                                    .flatMap(membership -> audit.record(
                                                    Caller.operator(membership.workspaceId(), operator.operator(), membership.role()),
                                                    AuditEvent.Kind.INVITE_ACCEPTED, Map.of("inviteId", invite.id()), exchange)
                                            .thenReturn(new Joined(membership.workspaceId().value(), membership.role().wire()))));
                });
    }

    private Mono<Boolean> send(Invite invite, String link) {
        return workspaces.find(invite.workspace())
                .flatMap(workspace -> Mono.fromRunnable(() -> mailer.send(invite.email(), workspace.name(),
                                invite.role().wire(), link, invite.expiresAt()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .thenReturn(true))
                // Mail server down: the invite stands; the inviter gets the link to pass on another way.
                .onErrorResume(e -> {
                    LOG.warn("invitation e-mail not sent: {}", e.toString());
                    return Mono.just(false);
                })
                .defaultIfEmpty(false);
    }

    private static InviteView view(Invite invite) {
        return new InviteView(invite.id(), invite.email(), invite.role().wire(), invite.invitedBy().value(),
                invite.createdAt(), invite.expiresAt());
    }
}
