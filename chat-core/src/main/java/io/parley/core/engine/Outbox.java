package io.parley.core.engine;

import io.parley.core.protocol.ServerFrame;
import java.util.ArrayDeque;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The frames waiting to be written to one connection. A slow reader never makes it grow without
 * bound: a {@code reply.delta} queued right behind another of the same reply is merged into it, and
 * once the pending size passes the limit {@link #offer} refuses, so the caller closes the
 * connection (1008) and the client resumes.
 */
public final class Outbox {
    private final ArrayDeque<ServerFrame> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private final long limit;
    private final ToLongFunction<ServerFrame> sizeOf;
    private long pending;
    private boolean closed;
    private @Nullable FluxSink<ServerFrame> sink;

    /** {@code sizeOf} estimates a frame's size in the unit of {@code limit} (e.g. bytes). */
    public Outbox(long limit, ToLongFunction<ServerFrame> sizeOf) {
        this.limit = limit;
        this.sizeOf = sizeOf;
    }

    /** Queues a frame; false when the connection is over its limit (or closed) and must be closed. */
    public synchronized boolean offer(ServerFrame frame) {
        if (closed) {
            return false;
        }
        ServerFrame last = queue.peekLast();
        if (frame instanceof ServerFrame.ReplyDelta delta && last instanceof ServerFrame.ReplyDelta previous
                && previous.messageId().equals(delta.messageId())) {
            queue.pollLast();
            pending -= sizes.pollLast();
            frame = previous.merge(delta);
        }
        long size = sizeOf.applyAsLong(frame);
        queue.addLast(frame);
        sizes.addLast(size);
        pending += size;
        if (pending > limit) {
            return false;
        }
        drain();
        return true;
    }

    public synchronized long pending() {
        return pending;
    }

    /** Stops taking frames; what is queued is still written, then the Flux completes. */
    public synchronized void close() {
        closed = true;
        drain();
    }

    /** The frames to write, in order; one subscriber. */
    public Flux<ServerFrame> frames() {
        return Flux.create(s -> {
            synchronized (this) {
                sink = s;
            }
            s.onRequest(n -> drainLocked());
            drainLocked();
        });
    }

    private synchronized void drainLocked() {
        drain();
    }

    private void drain() {
        FluxSink<ServerFrame> s = sink;
        if (s == null) {
            return;
        }
        while (!queue.isEmpty() && s.requestedFromDownstream() > 0) {
            pending -= sizes.pollFirst();
            s.next(queue.pollFirst());
        }
        if (closed && queue.isEmpty()) {
            s.complete();
        }
    }
}
