package io.parley.gateway.ws.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.engine.AgentDesk;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.config.WebSocketProperties;
import io.parley.gateway.ws.OpenSockets;
import io.parley.gateway.ws.SocketMeters;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/** The agent connections of this node; when the node stops, each is told to reconnect elsewhere (1012). */
final class AgentConnections implements SmartLifecycle {
    static final String SUBPROTOCOL = "parley.v1";

    private final AgentSessions sessions;
    private final FrameCodec codec;
    private final WebSocketProperties limits;
    private final AgentSocketProperties properties;
    private final OpenSockets sockets = new OpenSockets();
    private final AgentDesk desk;
    private final SocketMeters meters;

    AgentConnections(AgentSessions sessions, FrameCodec codec, WebSocketProperties limits,
                     AgentSocketProperties properties, AgentDesk desk, MeterRegistry registry) {
        this.meters = new SocketMeters(registry, "agent", sockets::size);
        this.desk = desk;
        this.sessions = sessions;
        this.codec = codec;
        this.limits = limits;
        this.properties = properties;
    }

    /** {@code throttleSubject}: what hello failures of this client count under (its address). */
    WebSocketHandler handlerFor(String throttleSubject) {
        return new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return List.of(SUBPROTOCOL);
            }

            @Override
            public Mono<Void> handle(WebSocketSession socket) {
                return sockets.serve(socket, () -> new AgentConnection(socket, throttleSubject, sessions, codec,
                        limits, properties.sessionCheck(), desk, meters));
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
    }

    @Override
    public boolean isRunning() {
        return sockets.accepting();
    }

    @Override
    public int getPhase() {
        // Stop before the web server so the close frames get out.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
