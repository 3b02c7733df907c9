package io.parley.gateway.ws.agent;

import com.nimbusds.jwt.SignedJWT;
import io.parley.core.model.AttemptKind;
import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.Workspace;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Clock;
import io.parley.core.port.Operators;
import io.parley.core.port.RefreshTokens;
import io.parley.core.port.Workspaces;
import io.parley.core.protocol.CloseCodes;
import io.parley.gateway.auth.session.AccessTokens;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Who an agent socket belongs to, and whether that is still true. A session starts from the access
 * token of a {@code hello} (verified by {@link AccessTokens}, its session version compared with the
 * operator's) and one of the operator's workspaces; {@link #recheck} answers whether it has ended since.
 * Rejected tokens count as failures of {@link AttemptKind#AGENT_HELLO_FAILURE_PER_ADDRESS}.
 */
final class AgentSessions {
    static final AttemptKind THROTTLE = AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS;
    static final String EXPIRED = "access token expired; refresh it and reconnect";
    static final String INVALID = "invalid access token; log in again";
    static final String ENDED = "session ended (logged out everywhere, or role changed); log in again";
    static final String DISABLED = "operator disabled";
    static final String NOT_A_MEMBER = "no longer a member of this workspace";
    static final String ROLE_CHANGED = "role changed; reconnect";
    static final String LOGGED_OUT = "session logged out; log in again";

    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Operators operators;
    private final Workspaces workspaces;
    private final AuthThrottle throttle;
    private final Clock clock;

    AgentSessions(AccessTokens accessTokens, Operators operators, Workspaces workspaces, AuthThrottle throttle,
                  Clock clock, RefreshTokens refreshTokens) {
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.operators = operators;
        this.workspaces = workspaces;
        this.throttle = throttle;
        this.clock = clock;
    }

    /** A started session: the operator as of the hello, the workspace chosen, and the token's limits. */
    record AgentSession(Operator operator, Membership membership, Workspace workspace, long sessionVersion,
                        Instant expiresAt, String sessionId) {
    }

    sealed interface Outcome {
        record Started(AgentSession session) implements Outcome {
        }

        record Refused(int closeCode, String reason) implements Outcome {
        }
    }

    /**
     * Starts a session for a hello from {@code throttleSubject} (the client's address). Refused with
     * 4429 while the address is throttled, 4401 for a token that is not (or no longer) good, 4403 when
     * the workspace cannot be chosen. Errors when a port fails.
     */
    Mono<Outcome> start(AgentFrames.Hello hello, String throttleSubject) {
        return throttle.check(THROTTLE, throttleSubject).flatMap(verdict -> {
            if (!verdict.allowed()) {
                return Mono.just((Outcome) new Outcome.Refused(CloseCodes.TOO_MANY,
                        "retryAfterMs=" + verdict.retryAfterMillis()));
            }
            return authenticate(hello).flatMap(outcome ->
                    outcome instanceof Outcome.Refused refused && refused.closeCode() == CloseCodes.NOT_AUTHENTICATED
                            ? throttle.failure(THROTTLE, throttleSubject).thenReturn(outcome)
                            : Mono.just(outcome));
        });
    }

    private Mono<Outcome> authenticate(AgentFrames.Hello hello) {
        Optional<AccessTokens.Verified> verified = accessTokens.verify(hello.accessToken());
        if (verified.isEmpty()) {
            Instant claimed = expiryOf(hello.accessToken());
            return refused(CloseCodes.NOT_AUTHENTICATED,
                    claimed != null && !clock.now().isBefore(claimed) ? EXPIRED : INVALID);
        }
        AccessTokens.Verified token = verified.get();
        Instant expiresAt = expiryOf(hello.accessToken());
        // AccessTokens allows 60 s of clock skew past exp; a socket that would be closed at once is not started.
        if (expiresAt == null || !clock.now().isBefore(expiresAt)) {
            return refused(CloseCodes.NOT_AUTHENTICATED, EXPIRED);
        }
        return operators.find(token.operator())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> {
                    String problem = sessionProblem(found.orElse(null), token.sessionVersion());
                    if (problem != null) {
                        return refused(CloseCodes.NOT_AUTHENTICATED, problem);
                    }
                    Operator operator = found.orElseThrow();
                    return workspaces.membershipsOf(operator.id()).collectList()
                            .flatMap(memberships -> choose(hello, memberships)
                                    .map(membership -> workspaces.find(membership.workspaceId())
                                            .map(workspace -> (Outcome) new Outcome.Started(new AgentSession(operator,
                                                    membership, workspace, token.sessionVersion(), expiresAt, token.sessionId())))
                                            .switchIfEmpty(refused(CloseCodes.FORBIDDEN, "no such workspace")))
                                    .orElseGet(() -> refused(CloseCodes.FORBIDDEN, memberships.isEmpty()
                                            ? "not a member of any workspace"
                                            : hello.workspaceId() != null
                                            ? "not a member of workspace " + hello.workspaceId().value()
                                            : "choose a workspace: send workspaceId in hello")));
                });
    }

    /** The workspace named in hello; without one, the operator's only workspace. */
    private static Optional<Membership> choose(AgentFrames.Hello hello, List<Membership> memberships) {
        if (hello.workspaceId() != null) {
            return memberships.stream().filter(m -> m.workspaceId().equals(hello.workspaceId())).findFirst();
        }
        return memberships.size() == 1 ? Optional.of(memberships.get(0)) : Optional.empty();
    }

    /**
     * Why the session has ended since it started, or empty while it lives: the token expired, the
     * operator is gone or disabled, their session version moved on (logout everywhere, a role change),
     * the membership is gone or its role differs.
     */
    Mono<Optional<String>> recheck(AgentSession session) {
        if (!clock.now().isBefore(session.expiresAt())) {
            return Mono.just(Optional.of(EXPIRED));
        }
        return operators.find(session.operator().id())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> {
                    String problem = sessionProblem(found.orElse(null), session.sessionVersion());
                    if (problem != null) {
                        return Mono.just(Optional.of(problem));
                    }
                    Mono<Optional<String>> membership = workspaces.membershipsOf(session.operator().id())
                            .filter(m -> m.workspaceId().equals(session.workspace().id()))
                            .next()
                            .map(m -> m.role() == session.membership().role()
                                    ? Optional.<String>empty() : Optional.of(ROLE_CHANGED))
                            .defaultIfEmpty(Optional.of(NOT_A_MEMBER));
                    return refreshTokens.isRevoked(session.sessionId()).flatMap(revoked -> revoked
                            ? Mono.just(Optional.of(LOGGED_OUT))
                            : membership);
                });
    }

    Instant now() {
        return clock.now();
    }

    private static @Nullable String sessionProblem(@Nullable Operator operator, long tokenSessionVersion) {
        if (operator == null) {
            return INVALID;
        }
        if (operator.disabled()) {
            return DISABLED;
        }
        return operator.sessionVersion() > tokenSessionVersion ? ENDED : null;
    }

    private static Mono<Outcome> refused(int code, String reason) {
        return Mono.just(new Outcome.Refused(code, reason));
    }

    /** The {@code exp} a token claims (not verified here), or null when it has none or is not a JWT. */
    private static @Nullable Instant expiryOf(String token) {
        try {
            Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
