package io.parley.gateway.ws;

import io.parley.core.engine.ConversationEngine;
import io.parley.core.model.WidgetKey;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.config.WebSocketProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.WebSocketHandler;

/**
 * The visitor connections of this node. When the node stops it tells every client to reconnect at
 * once to another node (1012) and stores the replies it was streaming as interrupted.
 */
final class VisitorConnections implements SmartLifecycle {
    static final String SUBPROTOCOL = "parley.v1";

    private final ConversationEngine engine;
    private final FrameCodec codec;
    private final WebSocketProperties limits;
    private final OpenSockets sockets = new OpenSockets();

    VisitorConnections(ConversationEngine engine, FrameCodec codec, WebSocketProperties limits) {
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
                        () -> new VisitorConnection(socket, key, clientAddress, engine, codec, limits));
            }
        };
    }

    int size() {
        return sockets.size();
    }

    @Override
    public void start() {
        sockets.accept();
    }

    @Override
    public void stop() {
        sockets.closeAll();
        engine.shutdown().block(Duration.ofSeconds(10));
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
