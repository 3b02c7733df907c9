package io.parley.gateway.auth.session;

import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Clock;
import io.parley.core.port.Operators;
import io.parley.core.port.RefreshTokens;
import io.parley.gateway.auth.AuthAudit;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sessions: an access token plus a refresh token of one family per login. Each refresh uses the
 * refresh token up and hands out a new one of the same family; presenting a used one again means it
 * leaked, so the port revokes the whole family and the thief's and the victim's tokens both stop.
 */
public final class RefreshSessions {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshSessions.class);

    private final RefreshTokens refreshTokens;
    private final Operators operators;
    private final AccessTokens accessTokens;
    private final Duration refreshLifetime;
    private final Clock clock;

    private final AuthAudit audit;

    public RefreshSessions(RefreshTokens refreshTokens, Operators operators, AccessTokens accessTokens,
                           Duration refreshLifetime, Clock clock, AuthAudit audit) {
        this.audit = audit;
        this.refreshTokens = refreshTokens;
        this.operators = operators;
        this.accessTokens = accessTokens;
        this.refreshLifetime = refreshLifetime;
        this.clock = clock;
    }

    /** The tokens of a session; the refresh token exists only here and in the client. */
    public record Session(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
                          Duration accessLifetime, Duration refreshLifetime) {
    }

    /** Starts a new session (a new refresh-token family) for a logged-in operator. */
    public Mono<Session> start(Operator operator) {
        return issue(operator, "rf_" + UUID.randomUUID());
    }

    /**
     * A new session of the same family in exchange for {@code refreshToken}; empty when the token is
     * unknown, expired, revoked, reused (the family is now revoked) or its operator's sessions ended.
     */
    public Mono<Session> rotate(String refreshToken) {
        if (!OpaqueTokens.wellFormed(refreshToken)) {
            return Mono.empty();
        }
        return refreshTokens.use(OpaqueTokens.hash(refreshToken), clock.now()).flatMap(use -> {
            if (use instanceof RefreshTokens.Use.Valid valid) {
                return operators.find(valid.operator())
                        .filter(operator -> !operator.disabled() && operator.sessionVersion() == valid.sessionVersion())
                        .flatMap(operator -> issue(operator, valid.familyId()))
                        .switchIfEmpty(Mono.defer(() -> refreshTokens.revokeFamily(valid.familyId()).then(Mono.empty())));
            }
            if (use instanceof RefreshTokens.Use.Reused reused) {
                LOG.warn("a used refresh token came back: session family {} of operator {} revoked",
                        reused.familyId(), reused.operator());
                return audit.refreshTokenReused(reused.operator()).then(Mono.empty());
            }
            return Mono.empty();
        });
    }

    /** Ends one session: its refresh tokens stop at once, its access token at its expiry. */
    public Mono<Void> end(String sessionId) {
        return refreshTokens.revokeFamily(sessionId);
    }

    /** Ends the session a refresh token belongs to, used or not; nothing for a token that is not one. */
    public Mono<Void> endByRefreshToken(String refreshToken) {
        return OpaqueTokens.wellFormed(refreshToken)
                ? refreshTokens.revokeFamilyOf(OpaqueTokens.hash(refreshToken))
                : Mono.empty();
    }

    /** Ends every session of the operator, access tokens included (their session version is now old). */
    public Mono<Long> endAll(OperatorId operator) {
        return operators.endAllSessions(operator);
    }

    private Mono<Session> issue(Operator operator, String familyId) {
        String refreshToken = OpaqueTokens.generate();
        Instant refreshExpiresAt = clock.now().plus(refreshLifetime);
        return refreshTokens.store(OpaqueTokens.hash(refreshToken), familyId, operator.id(), operator.sessionVersion(),
                        refreshExpiresAt)
                .then(Mono.fromSupplier(() -> {
                    AccessTokens.Issued access = accessTokens.issue(operator, familyId);
                    return new Session(access.token(), access.expiresAt(), refreshToken, refreshExpiresAt,
                            accessTokens.lifetime(), refreshLifetime);
                }));
    }
}
