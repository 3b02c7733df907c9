package io.parley.gateway.api;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.VisitorRecord;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping of a visitor to what leaves the server, masked through {@link PersonalData} unless
 * {@code shown} (the caller {@link Caller#seesPersonalData() sees personal data}). REST bodies, exports
 * and agent WebSocket events all take their visitor fields from here.
 */
public final class VisitorViews {
    /** The name the protocol gives every visitor's messages; not personal data. */
    static final String ANONYMOUS_VISITOR_NAME = "Visitor";
    private static final String HIDDEN = "***";

    private VisitorViews() {
    }

    /** A visitor in full. {@code externalId} is hidden entirely when masked: customers often use e-mails as ids. */
    public record Visitor(String id, Instant createdAt, boolean verified, @Nullable String externalId,
                          @Nullable String email, @Nullable String name, @Nullable String phone,
                          @Nullable String ipAddress) {
    }

    /** What a list of conversations shows of each one's visitor. */
    public record Summary(String id, boolean verified, @Nullable String name, @Nullable String email) {
    }

    public static Visitor full(VisitorRecord visitor, boolean shown) {
        return new Visitor(visitor.id().value(), visitor.createdAt(), visitor.verified(),
                visitor.externalId() == null || shown ? visitor.externalId() : HIDDEN,
                PersonalData.email(visitor.email(), shown), PersonalData.name(visitor.name(), shown),
                PersonalData.phone(visitor.phone(), shown), PersonalData.ip(visitor.ipAddress(), shown));
    }

    public static Summary summary(VisitorRecord visitor, boolean shown) {
        return new Summary(visitor.id().value(), visitor.verified(), PersonalData.name(visitor.name(), shown),
                PersonalData.email(visitor.email(), shown));
    }

    /**
     * The name shown for an event's author: a visitor's own name (once identities name visitors) is masked
     * like any personal data; the protocol's anonymous "Visitor", bots and agents are shown as they are.
     */
    public static String authorName(Author author, boolean shown) {
        if (author.role() != AuthorRole.VISITOR || ANONYMOUS_VISITOR_NAME.equals(author.name())) {
            return author.name();
        }
        String masked = PersonalData.name(author.name(), shown);
        return masked == null ? author.name() : masked;
    }
}
