package io.parley.persistence.redis;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import io.parley.core.port.AuthThrottle.Verdict;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The rules of auth-throttle.lua, in this process only: the fallback while Redis fails. */
final class LocalAuthThrottle {
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Past this many subjects (a spray of addresses during an outage), new ones are refused, not tracked. */
    static final int MAX_SUBJECTS = 200_000;

    private final Limits limits;
    private final LongSupplier nanoClock;
    private final Map<String, Subject> subjects = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    LocalAuthThrottle(Limits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.lastSweep = new AtomicLong(nanoClock.getAsLong());
    }

    enum Op { ATTEMPT, CHECK, FAILURE }

    Verdict decide(Op op, AttemptKind kind, String subjectKey) {
        long now = nanoClock.getAsLong();
        sweepIdleSubjects(now);
        Limit limit = limits.of(kind);
        if (subjects.size() >= MAX_SUBJECTS && !subjects.containsKey(subjectKey)) {
            return Verdict.refused(1000, Verdict.RATE_LIMITED);
        }
        Verdict[] verdict = new Verdict[1];
        subjects.compute(subjectKey, (k, subject) -> {
            Subject s = subject != null ? subject : new Subject(now);
            verdict[0] = s.decide(op, now, limit, limits.lockoutMemory().toNanos());
            return s;
        });
        return verdict[0];
    }

    int trackedSubjects() {
        return subjects.size();
    }

    private void sweepIdleSubjects(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        subjects.keySet().forEach(key -> subjects.computeIfPresent(key, (k, s) -> s.idleAt(now) ? null : s));
    }

    /** Guarded by the map's per-key compute. */
    private static final class Subject {
        private final ArrayDeque<Long> events = new ArrayDeque<>();
        private long windowNanos;
        private long lockedUntil;
        private int lockouts;
        private long lockoutsForgottenAt;

        Subject(long now) {
            lockedUntil = now;
            lockoutsForgottenAt = now;
        }

        Verdict decide(Op op, long now, Limit limit, long lockoutMemoryNanos) {
            if (lockedUntil - now > 0) {
                return Verdict.refused(millisUp(lockedUntil - now), Verdict.LOCKED_OUT);
            }
            windowNanos = limit.window().toNanos();
            while (!events.isEmpty() && events.peekFirst() - (now - windowNanos) <= 0) {
                events.pollFirst();
            }
            boolean full = events.size() >= limit.permits();
            switch (op) {
                case CHECK:
                    return full ? waitForRoom(now, limit) : Verdict.ALLOWED;
                case ATTEMPT:
                    if (!full) {
                        events.addLast(now);
                        return Verdict.ALLOWED;
                    }
                    return limit.locksOut() ? lockOut(now, limit, lockoutMemoryNanos) : waitForRoom(now, limit);
                default:
                    events.addLast(now);
                    if (events.size() < limit.permits()) {
                        return Verdict.ALLOWED;
                    }
                    if (limit.locksOut()) {
                        return lockOut(now, limit, lockoutMemoryNanos);
                    }
                    while (events.size() > limit.permits()) {
                        events.pollFirst();
                    }
                    return waitForRoom(now, limit);
            }
        }

        private Verdict lockOut(long now, Limit limit, long lockoutMemoryNanos) {
            if (now - lockoutsForgottenAt >= 0) {
                lockouts = 0;
            }
            lockouts++;
            lockoutsForgottenAt = now + lockoutMemoryNanos;
            long max = limit.maxLockout().toNanos();
            long length = limit.lockout().toNanos();
            for (int doubled = 1; doubled < lockouts && length < max; doubled++) {
                length *= 2;
            }
            length = Math.min(length, max);
            lockedUntil = now + length;
            events.clear();
            return Verdict.refused(millisUp(length), Verdict.LOCKOUT_STARTED);
        }

        private Verdict waitForRoom(long now, Limit limit) {
            Iterator<Long> oldestFirst = events.iterator();
            for (int skip = events.size() - limit.permits(); skip > 0; skip--) {
                oldestFirst.next();
            }
            return Verdict.refused(millisUp(oldestFirst.next() + windowNanos - now), Verdict.RATE_LIMITED);
        }

        boolean idleAt(long now) {
            boolean windowEmpty = events.isEmpty() || events.peekLast() - (now - windowNanos) <= 0;
            boolean nothingToRemember = now - lockoutsForgottenAt >= 0;
            return windowEmpty && lockedUntil - now <= 0 && nothingToRemember;
        }

        private static long millisUp(long nanos) {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
        }
    }
}
