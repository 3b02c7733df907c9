package io.parley.gateway.ws;

import io.parley.core.protocol.CloseCodes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * The sockets of one endpoint on this node. When the node stops, it first stops accepting (sockets that
 * arrive get 1012 straight away), then each open socket is told to reconnect to another node (1012).
 */
public final class OpenSockets {
    public static final String RESTARTING = "node restarting; reconnect to any node";

    /** A connection as this registry sees it. */
    public interface Socket {
        Mono<Void> run();

        void close(int code, String reason);
    }

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting;

    /** Runs the connection {@code connection} makes for {@code session}, while the node accepts sockets. */
    public Mono<Void> serve(WebSocketSession session, Supplier<? extends Socket> connection) {
        if (!accepting) {
            return session.close(new CloseStatus(CloseCodes.RESTARTING, RESTARTING));
        }
        Socket socket = connection.get();
        open.add(socket);
        return socket.run().doFinally(s -> open.remove(socket));
    }

    public void accept() {
        accepting = true;
    }

    /** New sockets are told to reconnect elsewhere (1012); open ones stay open. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Stops accepting and closes every open socket with 1012. */
    public void closeAll() {
        accepting = false;
        open.forEach(socket -> socket.close(CloseCodes.RESTARTING, RESTARTING));
    }

    public boolean accepting() {
        return accepting;
    }

    public int size() {
        return open.size();
    }
}
