package io.parley.gateway.ws.agent;

import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.gateway.ws.ChannelLoop;
import io.parley.gateway.ws.HandshakeErrors;
import io.parley.gateway.ws.Origins;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * {@code /ws/agent}: before the {@code 101}, the request must be a WebSocket upgrade and its
 * {@code Origin}, when present, the console's own (scheme, host and port of {@code parley.auth.base-url},
 * matched exactly). A request without Origin (a native client, a script) is allowed: the access token in
 * {@code hello} is what authenticates, never a cookie.
 */
public final class AgentHandshake implements WebHandler {
    private final WebSocketService webSocketService;
    private final AgentConnections connections;
    private final ClientAddresses clientAddresses;
    private final Set<String> consoleOrigins;

    AgentHandshake(WebSocketService webSocketService, AgentConnections connections, ClientAddresses clientAddresses,
                   String consoleOrigin) {
        this.webSocketService = webSocketService;
        this.connections = connections;
        this.clientAddresses = clientAddresses;
        this.consoleOrigins = Set.of(consoleOrigin);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.GET || !"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())) {
            return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.UPGRADE_REQUIRED, "websocket_required",
                    "this endpoint speaks WebSocket only (GET with Upgrade: websocket)");
        }
        String origin = request.getHeaders().getOrigin();
        if (origin != null && !Origins.allowed(origin, consoleOrigins)) {
            return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.FORBIDDEN, "origin_not_allowed",
                    "/ws/agent accepts only the console's origin");
        }
        return ChannelLoop.upgradeOnChannelLoop(exchange, Mono.defer(() -> webSocketService.handleRequest(exchange,
                connections.handlerFor(clientAddresses.throttleSubject(exchange)))));
    }
}
