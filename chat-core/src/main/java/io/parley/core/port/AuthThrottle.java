package io.parley.core.port;

import io.parley.core.model.AttemptKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Throttles authentication attempts per subject (an e-mail address, a client address) of each
 * {@link AttemptKind}, shared by every node. Never errors: when the shared store fails, decisions are
 * still made (more strictly, never allow-all).
 */
public interface AuthThrottle {

    /** Counts one attempt, unless it is refused: past the limit of the window, or while locked out. */
    Mono<Verdict> attempt(AttemptKind kind, String subject);

    /** May {@code subject} try now? Counts nothing; for the kinds that count failures. */
    Mono<Verdict> check(AttemptKind kind, String subject);

    /**
     * Counts one failure. The failure that reaches the limit within the window locks the subject out for
     * {@code lockout × 2^(n-1)} (n: its lockouts so far, remembered for {@link Limits#lockoutMemory()} after
     * the last one), at most {@code maxLockout}; the verdict then says so and for how long.
     */
    Mono<Verdict> failure(AttemptKind kind, String subject);

    /** {@code retryAfterMillis} is 0 when allowed; {@code reason} is one of the constants below. */
    record Verdict(boolean allowed, long retryAfterMillis, String reason) {
        public static final String OK = "ok";
        /** The window is full; one more fits after {@code retryAfterMillis}. */
        public static final String RATE_LIMITED = "rate_limited";
        /** A lockout is in force for {@code retryAfterMillis} more. */
        public static final String LOCKED_OUT = "locked_out";
        /** This failure started a lockout of {@code retryAfterMillis}. */
        public static final String LOCKOUT_STARTED = "lockout_started";

        public static final Verdict ALLOWED = new Verdict(true, 0, OK);

        public static Verdict refused(long retryAfterMillis, String reason) {
            return new Verdict(false, Math.max(1, retryAfterMillis), reason);
        }
    }

    /**
     * At most {@code permits} counted events per {@code window}. With a positive {@code lockout}, going
     * past it locks the subject out (growing exponentially up to {@code maxLockout}); with a zero one the
     * window alone limits.
     */
    record Limit(int permits, Duration window, Duration lockout, Duration maxLockout) {
        public Limit {
            if (permits < 1) {
                throw new IllegalArgumentException("permits must be at least 1");
            }
            if (window.toMillis() < 1 || lockout.isNegative() || maxLockout.compareTo(lockout) < 0) {
                throw new IllegalArgumentException("need window >= 1 ms and 0 <= lockout <= maxLockout");
            }
        }

        public static Limit perWindow(int permits, Duration window) {
            return new Limit(permits, window, Duration.ZERO, Duration.ZERO);
        }

        public boolean locksOut() {
            return !lockout.isZero();
        }
    }

    /** A limit for every kind, and how long a subject's lockouts count toward the next one's length. */
    record Limits(Map<AttemptKind, Limit> byKind, Duration lockoutMemory) {
        public Limits {
            byKind = new EnumMap<>(byKind);
            for (AttemptKind kind : AttemptKind.values()) {
                if (!byKind.containsKey(kind)) {
                    throw new IllegalArgumentException("no limit for " + kind);
                }
            }
            if (lockoutMemory.toMillis() < 1) {
                throw new IllegalArgumentException("lockoutMemory must be at least 1 ms");
            }
            byKind = Map.copyOf(byKind);
        }

        public Limit of(AttemptKind kind) {
            return byKind.get(kind);
        }
    }
}
