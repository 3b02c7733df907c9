package io.parley.gateway.ws.agent;

import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.config.WebSocketProperties;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.CloseStatus;
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
    private final Set<AgentConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    AgentConnections(AgentSessions sessions, FrameCodec codec, WebSocketProperties limits,
                     AgentSocketProperties properties) {
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
                if (!running) {
                    return socket.close(new CloseStatus(CloseCodes.RESTARTING, "node restarting; reconnect to any node"));
                }
                AgentConnection connection = new AgentConnection(socket, throttleSubject, sessions, codec, limits,
                        properties.sessionCheck());
                open.add(connection);
                return connection.run().doFinally(s -> open.remove(connection));
            }
        };
    }

    int size() {
        return open.size();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.forEach(c -> c.close(CloseCodes.RESTARTING, "node restarting; reconnect to any node"));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the web server so the close frames get out.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
