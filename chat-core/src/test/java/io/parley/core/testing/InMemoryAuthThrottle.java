package io.parley.core.testing;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * The throttle's rules (as auth-throttle.lua keeps them in Redis) in memory, on a clock the test moves
 * with {@link #advance(Duration)}. Test fixture only.
 */
public final class InMemoryAuthThrottle implements AuthThrottle {
    private final Limits limits;
    private final AtomicLong nowMillis = new AtomicLong(1_000_000);
    private final Map<String, Subject> subjects = new HashMap<>();

    public InMemoryAuthThrottle(Limits limits) {
        this.limits = limits;
    }

    /** The same limit for every kind. */
    public static Limits limits(int permits, Duration window, Duration lockout, Duration maxLockout) {
        Map<AttemptKind, Limit> byKind = new EnumMap<>(AttemptKind.class);
        for (AttemptKind kind : AttemptKind.values()) {
            byKind.put(kind, new Limit(permits, window, lockout, maxLockout));
        }
        return new Limits(byKind, Duration.ofDays(1));
    }

    public void advance(Duration duration) {
        nowMillis.addAndGet(duration.toMillis());
    }

    @Override
    public Mono<Verdict> attempt(AttemptKind kind, String subject) {
        return Mono.fromSupplier(() -> decide(kind, subject, Op.ATTEMPT));
    }

    @Override
    public Mono<Verdict> check(AttemptKind kind, String subject) {
        return Mono.fromSupplier(() -> decide(kind, subject, Op.CHECK));
    }

    @Override
    public Mono<Verdict> failure(AttemptKind kind, String subject) {
        return Mono.fromSupplier(() -> decide(kind, subject, Op.FAILURE));
    }

    private enum Op { ATTEMPT, CHECK, FAILURE }

    private synchronized Verdict decide(AttemptKind kind, String subject, Op op) {
        Limit limit = limits.of(kind);
        long now = nowMillis.get();
        String key = kind == AttemptKind.GLOBAL ? kind.tag() : kind.tag() + ":" + subject.strip().toLowerCase(Locale.ROOT);
        Subject s = subjects.computeIfAbsent(key, k -> new Subject());
        if (s.lockedUntil > now) {
            return Verdict.refused(s.lockedUntil - now, Verdict.LOCKED_OUT);
        }
        long window = limit.window().toMillis();
        while (!s.events.isEmpty() && s.events.peekFirst() <= now - window) {
            s.events.pollFirst();
        }
        boolean full = s.events.size() >= limit.permits();
        switch (op) {
            case CHECK:
                return full ? waitForRoom(s, limit, now) : Verdict.ALLOWED;
            case ATTEMPT:
                if (!full) {
                    s.events.addLast(now);
                    return Verdict.ALLOWED;
                }
                return limit.locksOut() ? lockOut(s, limit, now) : waitForRoom(s, limit, now);
            default:
                s.events.addLast(now);
                if (s.events.size() < limit.permits()) {
                    return Verdict.ALLOWED;
                }
                if (limit.locksOut()) {
                    return lockOut(s, limit, now);
                }
                while (s.events.size() > limit.permits()) {
                    s.events.pollFirst();
                }
                return waitForRoom(s, limit, now);
        }
    }

    private Verdict lockOut(Subject s, Limit limit, long now) {
        if (now >= s.lockoutsForgottenAt) {
            s.lockouts = 0;
        }
        s.lockouts++;
        s.lockoutsForgottenAt = now + limits.lockoutMemory().toMillis();
        long length = limit.lockout().toMillis();
        for (int doubled = 1; doubled < s.lockouts && length < limit.maxLockout().toMillis(); doubled++) {
            length *= 2;
        }
        length = Math.min(length, limit.maxLockout().toMillis());
        s.lockedUntil = now + length;
        s.events.clear();
        return Verdict.refused(length, Verdict.LOCKOUT_STARTED);
    }

    private static Verdict waitForRoom(Subject s, Limit limit, long now) {
        long oldestThatMustLeave = s.events.stream().skip(s.events.size() - limit.permits()).findFirst().orElse(now);
        return Verdict.refused(oldestThatMustLeave + limit.window().toMillis() - now, Verdict.RATE_LIMITED);
    }

    private static final class Subject {
        final ArrayDeque<Long> events = new ArrayDeque<>();
        long lockedUntil;
        int lockouts;
        long lockoutsForgottenAt;
    }
}
