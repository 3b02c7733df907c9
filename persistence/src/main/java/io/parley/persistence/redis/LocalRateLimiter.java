package io.parley.persistence.redis;

import io.parley.core.model.RateLimit;
import io.parley.core.port.RateLimiter.Decision;
import io.parley.core.port.RateLimiter.KeyedLimit;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The same sliding-window logs and all-or-nothing decisions as rate-limit.lua, in this process only: the
 * fallback while Redis fails. Windows are named by the caller (the Redis key names).
 */
final class LocalRateLimiter {
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LongSupplier nanoClock;
    // One lock for all windows: a decision over several windows must see and change them together.
    private final Map<String, Window> windows = new HashMap<>();
    private long lastSweep;

    LocalRateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    Decision tryAcquire(String window, RateLimit limit) {
        return tryAcquireAll(List.of(new KeyedLimit(window, limit)));
    }

    /** Admitted, and counted in every window, only when every limit admits it; else counted in none. */
    synchronized Decision tryAcquireAll(List<KeyedLimit> limits) {
        long now = nanoClock.getAsLong();
        sweepIdleWindows(now);
        long longestWaitNanos = 0;
        for (KeyedLimit limit : limits) {
            Window window = windows.computeIfAbsent(limit.key(), k -> new Window());
            longestWaitNanos = Math.max(longestWaitNanos, window.waitNanos(now, limit.limit()));
        }
        if (longestWaitNanos > 0) {
            return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(longestWaitNanos + 999_999)));
        }
        limits.forEach(limit -> windows.get(limit.key()).admit(now));
        return Decision.ALLOWED;
    }

    synchronized int trackedKeys() {
        return windows.size();
    }

    private void sweepIdleWindows(long now) {
        if (now - lastSweep >= SWEEP_EVERY_NANOS) {
            lastSweep = now;
            windows.values().removeIf(w -> w.idleAt(now));
        }
    }

    private static final class Window {
        private final ArrayDeque<Long> admitted = new ArrayDeque<>();
        private long windowNanos;

        /** 0 when one more event fits the window now, else how long until it would. */
        long waitNanos(long now, RateLimit limit) {
            windowNanos = limit.window().toNanos();
            while (!admitted.isEmpty() && admitted.peekFirst() <= now - windowNanos) {
                admitted.pollFirst();
            }
            if (admitted.size() < limit.permits()) {
                return 0;
            }
            Iterator<Long> oldestFirst = admitted.iterator();
            for (int skip = admitted.size() - limit.permits(); skip > 0; skip--) {
                oldestFirst.next();
            }
            return Math.max(1, oldestFirst.next() + windowNanos - now);
        }

        void admit(long now) {
            admitted.addLast(now);
        }

        boolean idleAt(long now) {
            return admitted.isEmpty() || admitted.peekLast() <= now - windowNanos;
        }
    }
}
