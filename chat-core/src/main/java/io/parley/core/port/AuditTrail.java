package io.parley.core.port;

import io.parley.core.model.AuditEvent;
import reactor.core.publisher.Mono;

/** Keeps security events for operators and incident response. */
public interface AuditTrail {

    Mono<Void> record(AuditEvent event);
}
