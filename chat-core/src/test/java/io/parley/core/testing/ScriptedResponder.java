package io.parley.core.testing;

import io.parley.core.model.Bot;
import io.parley.core.port.Responder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** A responder whose pieces the test emits by hand, one reply at a time. */
public final class ScriptedResponder implements Responder {
    private final LinkedBlockingQueue<Sinks.Many<String>> started = new LinkedBlockingQueue<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final List<Read> prepared = new CopyOnWriteArrayList<>();
    private final List<Prepared> given = new CopyOnWriteArrayList<>();

    @Override
    public Flux<String> reply(ReplyContext context) {
        Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
        started.add(sink);
        asked.incrementAndGet();
        given.add(context.prepared());
        return sink.asFlux();
    }

    @Override
    public Prepared prepare(Bot bot, String question) {
        Read read = new Read(question, new AtomicBoolean());
        prepared.add(read);
        return read;
    }

    /** A read ahead for {@code question}; {@code discarded} once its caller let it go. */
    public record Read(String question, AtomicBoolean discarded) implements Prepared {
        @Override
        public void discard() {
            discarded.set(true);
        }
    }

    /** Every read ahead so far, in order. */
    public List<Read> prepared() {
        return List.copyOf(prepared);
    }

    /** What each reply was given as its read ahead ({@link Prepared#NOTHING} when none), in order. */
    public List<Prepared> given() {
        return List.copyOf(given);
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
