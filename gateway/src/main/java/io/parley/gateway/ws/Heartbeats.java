package io.parley.gateway.ws;

import io.parley.core.protocol.CloseCodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The heartbeat of one Parley socket: a WebSocket ping every {@code heartbeat}, and a check for silence
 * five times per heartbeat, so a client from which nothing was heard for more than 2 × heartbeat is
 * closed ({@code 1001}) a little after that (between 2 × and 2.2 ×). Anything the client sends counts
 * as a sign of life ({@link #heard()}).
 */
public final class Heartbeats {
    private static final int CHECKS = 5;

    /** How a connection closes itself with a protocol code and a reason. */
    @FunctionalInterface
    public interface Closer {
        void close(int code, String reason);
    }

    private final WebSocketSession socket;
    private final Duration heartbeat;
    private final Closer closer;
    private volatile long lastHeardNanos = System.nanoTime();

    public Heartbeats(WebSocketSession socket, Duration heartbeat, Closer closer) {
        this.socket = socket;
        this.heartbeat = heartbeat;
        this.closer = closer;
    }

    /** The client sent something (a frame, a pong, a ping). */
    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** The pings to send, to be merged into the socket's output; checks for silence on the way. */
    public Flux<WebSocketMessage> pings() {
        Duration check = heartbeat.dividedBy(CHECKS);
        return Flux.interval(check, check).onBackpressureDrop().concatMap(tick -> tick((tick + 1) % CHECKS == 0));
    }

    private Mono<WebSocketMessage> tick(boolean ping) {
        long silentNanos = System.nanoTime() - lastHeardNanos;
        if (silentNanos > 2 * heartbeat.toNanos()) {
            closer.close(CloseCodes.GOING_AWAY, "no answer to heartbeats for " + silentNanos / 1_000_000 + " ms");
            return Mono.empty();
        }
        if (!ping) {
            return Mono.empty();
        }
        byte[] stamp = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        return Mono.just(socket.pingMessage(factory -> factory.wrap(stamp)));
    }
}
