package io.parley.gateway.api;

import io.parley.core.model.AuditEvent;
import io.parley.core.port.AuditTrail;
import io.parley.core.port.Clock;
import io.parley.gateway.auth.throttle.ClientAddresses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Audit events of administrative actions (settings, roles, keys, exports, deletions). Failure policy:
 * unlike logins, an administrative action whose event cannot be written fails — an export records its
 * event before any data leaves, a change is recorded right after it and the request fails if that
 * write does.
 */
@Component
public final class AdminAudit {
    private final AuditTrail trail;
    private final Clock clock;
    private final ClientAddresses addresses;

    public AdminAudit(AuditTrail trail, Clock clock, ClientAddresses addresses) {
        this.trail = trail;
        this.clock = clock;
        this.addresses = addresses;
    }

    /** Records {@code kind} done by {@code caller}; {@code details} are short facts, never personal data or secrets. */
    public Mono<Void> record(Caller caller, AuditEvent.Kind kind, Map<String, String> details, ServerWebExchange exchange) {
        Map<String, String> all = new LinkedHashMap<>(details);
        all.putAll(caller.auditDetails());
        return Mono.defer(() -> trail.record(new AuditEvent(kind, caller.operator(), addresses.of(exchange), all,
                clock.now())));
    }
}
