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

    /** The detail that names an event's workspace, when it belongs to one (the audit log is read by workspace). */
    public static final String WORKSPACE = "workspace";

    public AuditEvent {
        details = Map.copyOf(details);
    }

    public enum Kind {
        LOGIN_SUCCEEDED, LOGIN_FAILED, SIGNED_UP, LOCKED_OUT, LOGGED_OUT, LOGGED_OUT_EVERYWHERE,
        REFRESH_TOKEN_REUSED, API_KEY_CREATED, API_KEY_REVOKED, API_KEY_ROTATED,
        WORKSPACE_UPDATED, MEMBER_INVITED, INVITE_REVOKED, INVITE_ACCEPTED, MEMBER_ROLE_CHANGED, MEMBER_REMOVED,
        BOT_CREATED, BOT_UPDATED, BOT_DELETED, WIDGET_KEY_CREATED, WIDGET_KEY_UPDATED,
        KNOWLEDGE_CHANGED, IDENTITY_SECRET_CREATED, IDENTITY_SECRET_REVOKED,
        VISITOR_EXPORTED, VISITOR_DELETED,
        // key rotation of encryption at rest (scripts/encryption-keys), installation-wide: no workspace
        ENCRYPTION_KEY_ADDED, ENCRYPTION_KEY_PROMOTED, ENCRYPTION_KEY_RETIRED, ENCRYPTION_REENCRYPTED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '.');
        }
    }
}
