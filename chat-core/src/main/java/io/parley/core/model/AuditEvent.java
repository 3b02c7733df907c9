package io.parley.core.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A security event worth keeping: who (when known), from where, what happened. {@code details} hold
 * short facts such as the login method or a refusal's reason — never a token, a password-like
 * secret or a visitor's personal data.
 */
public record AuditEvent(Kind kind, @Nullable OperatorId operator, @Nullable String clientAddress,
                         Map<String, String> details, Instant at) {

    public AuditEvent {
        details = Map.copyOf(details);
    }

    public enum Kind {
        LOGIN_SUCCEEDED, LOGIN_FAILED, SIGNED_UP, LOCKED_OUT, LOGGED_OUT, LOGGED_OUT_EVERYWHERE,
        REFRESH_TOKEN_REUSED, API_KEY_CREATED, API_KEY_REVOKED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '.');
        }
    }
}
