package io.parley.persistence.redis;

import io.parley.core.model.RateLimit;
import io.parley.core.port.RateLimiter.Decision;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The same sliding-window log as rate-limit.lua, in this process only: the fallback while Redis fails. */
final class LocalRateLimiter {
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    LocalRateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastSweep = new AtomicLong(nanoClock.getAsLong());
    }

    Decision tryAcquire(String key, RateLimit limit) {
        long now = nanoClock.getAsLong();
        sweepIdleWindows(now);
        Decision[] decision = new Decision[1];
        windows.compute(key, (k, window) -> {
            Window w = window != null ? window : new Window();
            decision[0] = w.tryAcquire(now, limit);
            return w;
        });
        return decision[0];
    }

    int trackedKeys() {
        return windows.size();
    }

    private void sweepIdleWindows(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        windows.keySet().forEach(key -> windows.computeIfPresent(key, (k, w) -> w.idleAt(now) ? null : w));
    }

    /** Guarded by the map's per-key compute. */
    private static final class Window {
        private final ArrayDeque<Long> admitted = new ArrayDeque<>();
        private long windowNanos;

        Decision tryAcquire(long now, RateLimit limit) {
            windowNanos = limit.window().toNanos();
            while (!admitted.isEmpty() && admitted.peekFirst() <= now - windowNanos) {
                admitted.pollFirst();
            }
            if (admitted.size() < limit.permits()) {
                admitted.addLast(now);
                return Decision.ALLOWED;
            }
            Iterator<Long> oldestFirst = admitted.iterator();
            for (int skip = admitted.size() - limit.permits(); skip > 0; skip--) {
                oldestFirst.next();
            }
            long waitNanos = oldestFirst.next() + windowNanos - now;
            return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }

        boolean idleAt(long now) {
            return admitted.isEmpty() || admitted.peekLast() <= now - windowNanos;
        }
    }
}
