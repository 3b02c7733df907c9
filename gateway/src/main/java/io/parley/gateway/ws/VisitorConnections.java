package io.parley.gateway.ws;

import io.parley.core.engine.ConversationEngine;
import io.parley.core.model.WidgetKey;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.config.WebSocketProperties;
import java.time.Duration;
import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.core.publisher.Mono;

/**
 * The visitor connections of this node. When the node stops (graceful drain) it refuses new sockets
 * with 1012, lets the replies it streams finish until {@code parley.ws.drain-deadline} while their
 * visitors stay connected, hands the unfinished ones over to the other nodes, then tells every client to
 * reconnect at once to another node (1012).
 */
final class VisitorConnections implements SmartLifecycle {
    static final String SUBPROTOCOL = "parley.v1";
    private static final Logger LOG = LoggerFactory.getLogger(VisitorConnections.class);
    /** Handing replies over takes a few Redis calls each; past this the sockets close anyway. */
    private static final Duration HAND_OVER_GRACE = Duration.ofSeconds(5);
    /**
     * The last reply.end reaches this node's readers through Redis pub/sub after the reply is stored:
     * a moment for it to be written before the close frame, when replies were in flight.
     */
    private static final Duration LAST_FRAMES = Duration.ofMillis(500);

    private final ConversationEngine engine;
    private final FrameCodec codec;
    private final WebSocketProperties limits;
    private final OpenSockets sockets = new OpenSockets();

    private final SocketMeters meters;

    VisitorConnections(ConversationEngine engine, FrameCodec codec, WebSocketProperties limits, MeterRegistry registry) {
        this.meters = new SocketMeters(registry, "visitor", sockets::size);
        this.engine = engine;
        this.codec = codec;
        this.limits = limits;
    }

    WebSocketHandler handlerFor(WidgetKey key, String clientAddress) {
        return new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return List.of(SUBPROTOCOL);
            }

            @Override
            public reactor.core.publisher.Mono<Void> handle(org.springframework.web.reactive.socket.WebSocketSession socket) {
                return sockets.serve(socket,
                        () -> new VisitorConnection(socket, key, clientAddress, engine, codec, limits, meters));
            }
        };
    }

    int size() {
        return sockets.size();
    }

    @Override
    public void start() {
        // a restart after stop (e.g. a test context paused and reused) makes this a live node again
        engine.resume();
        sockets.accept();
    }

    @Override
    public void stop() {
        drain().block(limits.drainDeadline().plus(HAND_OVER_GRACE).plus(LAST_FRAMES).plusSeconds(1));
    }

    /** Spring waits for {@code done} up to spring.lifecycle.timeout-per-shutdown-phase (30 s by default). */
    @Override
    public void stop(Runnable done) {
        drain().doFinally(s -> done.run()).subscribe(null, e -> LOG.warn("drain failed", e));
    }

    private Mono<Void> drain() {
        sockets.stopAccepting();
        boolean replying = engine.repliesInFlight() > 0;
        LOG.info("draining: {} socket(s), {} repl(ies) in flight, deadline {}", sockets.size(),
                engine.repliesInFlight(), limits.drainDeadline());
        return engine.drain(limits.drainDeadline())
                .timeout(limits.drainDeadline().plus(HAND_OVER_GRACE), Mono.empty())
                .onErrorResume(e -> {
                    LOG.warn("replies could not all be handed over", e);
                    return Mono.empty();
                })
                .then(replying ? Mono.delay(LAST_FRAMES).then() : Mono.empty())
                .doFinally(s -> sockets.closeAll());
    }

    @Override
    public boolean isRunning() {
        return sockets.accepting();
    }

    @Override
    public int getPhase() {
        // Stop before the web server (which stops at a lower phase's turn) so the close frames get out.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
