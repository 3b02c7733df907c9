package io.parley.gateway.auth;

import io.parley.core.model.AttemptKind;
import io.parley.core.model.AuditEvent;
import io.parley.core.model.OperatorId;
import io.parley.core.port.AuditTrail;
import io.parley.core.port.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** The security events of logging in and out, written to the audit trail. */
public final class AuthAudit {
    private static final Logger LOG = LoggerFactory.getLogger(AuthAudit.class);

    private final AuditTrail trail;
    private final Clock clock;

    public AuthAudit(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    public Mono<Void> loginSucceeded(OperatorId operator, String method, @Nullable String address) {
        return record(AuditEvent.Kind.LOGIN_SUCCEEDED, operator, address, Map.of("method", method));
    }

    public Mono<Void> signedUp(OperatorId operator, String method, @Nullable String address) {
        return record(AuditEvent.Kind.SIGNED_UP, operator, address, Map.of("method", method));
    }

    public Mono<Void> loginFailed(String method, String reason, @Nullable String address) {
        return record(AuditEvent.Kind.LOGIN_FAILED, null, address, Map.of("method", method, "reason", reason));
    }

    public Mono<Void> loggedOut(OperatorId operator, boolean everywhere, @Nullable String address) {
        return record(everywhere ? AuditEvent.Kind.LOGGED_OUT_EVERYWHERE : AuditEvent.Kind.LOGGED_OUT, operator,
                address, Map.of());
    }

    public Mono<Void> refreshTokenReused(OperatorId operator) {
        return record(AuditEvent.Kind.REFRESH_TOKEN_REUSED, operator, null, Map.of());
    }

    /** A client locked out by the throttle; only address-keyed kinds lock out, so the subject is an address. */
    public Mono<Void> lockedOut(AttemptKind kind, String address) {
        return record(AuditEvent.Kind.LOCKED_OUT, null, address, Map.of("kind", kind.tag()));
    }

    private Mono<Void> record(AuditEvent.Kind kind, @Nullable OperatorId operator, @Nullable String address,
                              Map<String, String> details) {
        return Mono.defer(() -> trail.record(new AuditEvent(kind, operator, address, details, clock.now())))
                // Database down: the event is lost (and said so in the log); the login it describes is not refused for it.
                .onErrorResume(e -> {
                    LOG.error("audit event {} not recorded: {}", kind.wire(), e.toString());
                    return Mono.empty();
                });
    }
}
