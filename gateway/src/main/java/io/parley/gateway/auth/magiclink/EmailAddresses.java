package io.parley.gateway.auth.magiclink;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The one spelling of an address Parley keys magic-link identities by: trimmed, lower-cased. */
public final class EmailAddresses {
    // Deliberately loose (the mail server is the judge), but never whitespace or control characters,
    // which could smuggle headers into the message.
    private static final Pattern SHAPE = Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[^\\s@\\p{Cntrl}]{1,253}");

    private EmailAddresses() {
    }

    public static Optional<String> normalise(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String trimmed = address.strip().toLowerCase(Locale.ROOT);
        return trimmed.length() <= 254 && SHAPE.matcher(trimmed).matches() && !trimmed.endsWith(".")
                ? Optional.of(trimmed) : Optional.empty();
    }

    /**
     * The mailbox a normalised address reaches, for counting: {@code ann+1@x.test} and
     * {@code ann+2@x.test} land in one inbox, so they share one limit.
     */
    public static String mailbox(String normalised) {
        int at = normalised.lastIndexOf('@');
        int plus = normalised.indexOf('+');
        return plus > 0 && plus < at ? normalised.substring(0, plus) + normalised.substring(at) : normalised;
    }
}
