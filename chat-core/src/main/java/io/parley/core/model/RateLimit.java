package io.parley.core.model;

import java.time.Duration;

/** At most {@code permits} events per {@code window}; {@link #UNLIMITED} turns the check off. */
public record RateLimit(int permits, Duration window) {
    public static final RateLimit UNLIMITED = new RateLimit(0, Duration.ZERO);

    public RateLimit {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative");
        }
        if (permits > 0 && (window.isZero() || window.isNegative())) {
            throw new IllegalArgumentException("a limited rate needs a positive window");
        }
    }

    public boolean unlimited() {
        return permits == 0;
    }
}
