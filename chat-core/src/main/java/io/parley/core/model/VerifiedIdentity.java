package io.parley.core.model;

import org.jspecify.annotations.Nullable;

/**
 * Who a site says its signed-in user is, taken from an identity token whose signature held: the site's
 * user id ({@code sub}) and the personal data it vouches for. The only source of a visitor's personal data.
 */
public record VerifiedIdentity(String subject, @Nullable String email, @Nullable String name, @Nullable String phone) {

    public VerifiedIdentity {
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("the subject must not be empty");
        }
    }

    /** Never the personal data. */
    @Override
    public String toString() {
        return "VerifiedIdentity[subject of " + subject.length() + " chars]";
    }
}
