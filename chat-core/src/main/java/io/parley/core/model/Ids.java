package io.parley.core.model;

import java.util.regex.Pattern;

/** Checks the shape of the public identifiers: a prefix, an underscore, then 1..64 of [A-Za-z0-9_-]. */
final class Ids {
    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Ids() {
    }

    static String require(String prefix, String value) {
        if (!isValid(prefix, value)) {
            throw new IllegalArgumentException("not a valid " + prefix + "… identifier: " + value);
        }
        return value;
    }

    static boolean isValid(String prefix, String value) {
        return value != null && value.startsWith(prefix) && BODY.matcher(value.substring(prefix.length())).matches();
    }
}
