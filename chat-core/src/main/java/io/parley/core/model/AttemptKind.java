package io.parley.core.model;

import java.util.Locale;

/**
 * What an authentication attempt is throttled on. Request kinds count every attempt; failure kinds count
 * failures only (check first, report the failure after). {@link #GLOBAL} is one counter for the whole
 * deployment, whatever the subject.
 */
public enum AttemptKind {
    MAGIC_LINK_REQUEST_PER_EMAIL(false),
    MAGIC_LINK_REQUEST_PER_ADDRESS(false),
    MAGIC_LINK_REDEEM_FAILURE_PER_ADDRESS(true),
    OIDC_CALLBACK_FAILURE_PER_ADDRESS(true),
    API_KEY_FAILURE_PER_ADDRESS(true),
    AGENT_HELLO_FAILURE_PER_ADDRESS(true),
    GLOBAL(false);

    private final boolean countsFailures;
    private final String tag;

    AttemptKind(boolean countsFailures) {
        this.countsFailures = countsFailures;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /** True when only failures are counted: callers use {@code check} before and {@code failure} after. */
    public boolean countsFailures() {
        return countsFailures;
    }

    /** Lower-case name, for keys and metric tags. */
    public String tag() {
        return tag;
    }
}
