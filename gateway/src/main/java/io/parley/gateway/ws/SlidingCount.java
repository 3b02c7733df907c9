package io.parley.gateway.ws;

import java.time.Duration;
import java.util.ArrayDeque;

/** How many times something happened within the last {@code window}, on one connection (one thread at a time). */
public final class SlidingCount {
    private final long windowNanos;
    private final ArrayDeque<Long> times = new ArrayDeque<>();

    public SlidingCount(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /** Records one more now; returns how many fall within the window, this one included. */
    public int record() {
        long now = System.nanoTime();
        while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
            times.pollFirst();
        }
        times.addLast(now);
        return times.size();
    }
}
