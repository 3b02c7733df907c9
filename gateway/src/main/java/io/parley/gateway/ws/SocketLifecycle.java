package io.parley.gateway.ws;

import io.netty.handler.codec.TooLongFrameException;
import io.parley.core.protocol.BadFrameException;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ServerFrame;
import io.parley.gateway.config.WebSocketProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What every Parley socket shares, whoever is on the other end: text frames read one at a time,
 * binary and invalid UTF-8 refused with their close codes, the {@code hello} deadline, heartbeats,
 * and closing once with a protocol code, releasing what the connection held.
 */
public final class SocketLifecycle {
    private final SocketMeters meters;
    private static final Logger LOG = LoggerFactory.getLogger(SocketLifecycle.class);

    private final WebSocketSession socket;
    private final WebSocketProperties limits;
    private final Heartbeats heartbeats;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final Disposable.Swap helloTimer = Disposables.swap();
    private final Disposable.Composite held = Disposables.composite();
    private final SlidingCount badFrames = new SlidingCount(Duration.ofMinutes(1));

    public SocketLifecycle(WebSocketSession socket, WebSocketProperties limits, SocketMeters meters) {
        this.socket = socket;
        this.meters = meters;
        this.limits = limits;
        this.heartbeats = new Heartbeats(socket, limits.heartbeat(), this::close);
    }

    /**
     * Runs the socket until it closes: each valid text frame goes to {@code onText}, one after the
     * other; {@code texts} are written in order, with the heartbeats.
     */
    public Mono<Void> run(Function<String, Mono<Void>> onText, Flux<String> texts) {
        Mono<Void> input = socket.receive()
                .map(InboundMessage::of)
                .doOnNext(in -> {
                    heartbeats.heard();
                    meters.received();
                })
                .concatMap(in -> closing.get() ? Mono.empty() : onInbound(in, onText))
                .then()
                .onErrorResume(TooLongFrameException.class, e -> {
                    // A message fragmented into frames under the limit, adding up to more than it.
                    close(CloseCodes.TOO_BIG, "message larger than " + limits.maxFrameBytes() + " bytes");
                    return closed.asMono();
                });
        Flux<WebSocketMessage> frames = texts.map(socket::textMessage).doOnNext(frame -> meters.sent());
        Mono<Void> output = socket.send(Flux.merge(frames, heartbeats.pings()).takeUntilOther(closed.asMono()));
        helloTimer.update(Mono.delay(limits.helloTimeout())
                .subscribe(t -> close(CloseCodes.HELLO_TIMEOUT, "no hello within "
                        + limits.helloTimeout().toSeconds() + " s")));
        return Mono.firstWithSignal(input, output, closed.asMono())
                .doFinally(s -> {
                    closing.set(true);
                    release();
                    closed.tryEmitEmpty();
                });
    }

    /**
     * A frame the protocol refuses: before a session it closes 4401; a malformed frame past the
     * per-minute limit closes 1008; otherwise the client gets the {@code error} frame through {@code answer}.
     */
    public void refuse(BadFrameException e, boolean sessionStarted, Consumer<ServerFrame> answer) {
        if (!sessionStarted) {
            close(CloseCodes.NOT_AUTHENTICATED, "the first frame must be hello: " + e.getMessage());
        } else if (e.malformed() && badFrames.record() > limits.badFramesPerMinute()) {
            close(CloseCodes.POLICY, "more than " + limits.badFramesPerMinute() + " malformed frames in a minute");
        } else {
            answer.accept(e.toFrame());
        }
    }

    /** The client said hello: no more deadline. */
    public void helloReceived() {
        helloTimer.dispose();
    }

    /** Something the connection holds (a subscription, a timer) that ends with the socket. */
    public void holdUntilClosed(Disposable resource) {
        held.add(resource);
        if (closing.get()) {
            release();
        }
    }

    public boolean isClosing() {
        return closing.get();
    }

    /** Closes with a protocol code, once; the reason is what a client author reads in their logs. */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        release();
        socket.close(new CloseStatus(code, reason))
                .doFinally(s -> closed.tryEmitEmpty())
                .subscribe(null, e -> LOG.debug("close failed", e));
    }

    private void release() {
        helloTimer.dispose();
        held.dispose();
    }

    private Mono<Void> onInbound(InboundMessage in, Function<String, Mono<Void>> onText) {
        return switch (in.type()) {
            case TEXT -> {
                if (in.validUtf8()) {
                    yield onText.apply(in.text());
                }
                close(CloseCodes.INVALID_PAYLOAD, "text frames must be valid UTF-8");
                yield Mono.empty();
            }
            case BINARY -> {
                close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not part of the protocol; send JSON text");
                yield Mono.empty();
            }
            case PING, PONG -> Mono.empty();
        };
    }
}
