package io.parley.core.testing;

import io.parley.core.port.Responder;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** A responder whose pieces the test emits by hand, one reply at a time. */
public final class ScriptedResponder implements Responder {
    private final LinkedBlockingQueue<Sinks.Many<String>> started = new LinkedBlockingQueue<>();
    private final AtomicInteger asked = new AtomicInteger();

    @Override
    public Flux<String> reply(ReplyContext context) {
        Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
        started.add(sink);
        asked.incrementAndGet();
        return sink.asFlux();
    }

    /** How many replies were asked for so far. */
    public int asked() {
        return asked.get();
    }

    /** The next reply that started, waiting up to 5 s for it. */
    public Sinks.Many<String> nextReply() {
        try {
            Sinks.Many<String> sink = started.poll(5, TimeUnit.SECONDS);
            if (sink == null) {
                throw new AssertionError("no reply started within 5 s");
            }
            return sink;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
