package io.parley.gateway.ws;

import io.parley.core.engine.ConversationEngine;
import io.parley.core.model.WidgetKey;
import io.parley.core.port.WidgetKeys;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * {@code /ws/visitor?key=…}: every check happens before the {@code 101}: the key must exist and be
 * enabled, the Origin must be one the key allows (or absent, for a key that allows native clients),
 * and the address must be under the key's connection rate.
 */
final class VisitorHandshake implements WebHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VisitorHandshake.class);

    private final WidgetKeys widgetKeys;
    private final ConversationEngine engine;
    private final WebSocketService webSocketService;
    private final VisitorConnections connections;

    VisitorHandshake(WidgetKeys widgetKeys, ConversationEngine engine, WebSocketService webSocketService,
                     VisitorConnections connections) {
        this.widgetKeys = widgetKeys;
        this.engine = engine;
        this.webSocketService = webSocketService;
        this.connections = connections;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.GET || !"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())) {
            return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.UPGRADE_REQUIRED, "websocket_required",
                    "this endpoint speaks WebSocket only (GET with Upgrade: websocket)");
        }
        String key = request.getQueryParams().getFirst("key");
        if (key == null || key.isBlank() || key.length() > 128) {
            return forbidden(exchange, "unknown_key", "a widget key is required: /ws/visitor?key=pk_…");
        }
        return widgetKeys.find(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                // Database down: no key can be checked, so no connection is admitted.
                .onErrorResume(e -> {
                    LOG.warn("widget key lookup failed: {}", e.toString());
                    return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.SERVICE_UNAVAILABLE,
                            "unavailable", "the service is temporarily unavailable; retry with backoff")
                            .then(Mono.empty());
                })
                .flatMap(found -> found.isPresent()
                        ? admit(exchange, found.get())
                        : forbidden(exchange, "unknown_key", "no such widget key"));
    }

    private Mono<Void> admit(ServerWebExchange exchange, WidgetKey key) {
        if (!key.enabled()) {
            return forbidden(exchange, "key_disabled", "this widget key is disabled");
        }
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (origin == null && !key.allowNativeClients()) {
            return forbidden(exchange, "origin_required", "this widget key only accepts browsers on its allowed origins");
        }
        if (origin != null && !Origins.allowed(origin, key.allowedOrigins())) {
            return forbidden(exchange, "origin_not_allowed", "origin " + abbreviate(origin) + " is not allowed for this key");
        }
        String address = clientAddress(exchange.getRequest());
        return engine.admitConnection(key, address).flatMap(decision -> {
            if (!decision.allowed()) {
                long seconds = Math.max(1, (decision.retryAfterMillis() + 999) / 1000);
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.TOO_MANY_REQUESTS,
                        "too_many_connections", "too many new connections; retry after " + seconds + " s");
            }
            return ChannelLoop.upgradeOnChannelLoop(exchange,
                    Mono.defer(() -> webSocketService.handleRequest(exchange, connections.handlerFor(key, address))));
        });
    }

    private static Mono<Void> forbidden(ServerWebExchange exchange, String error, String message) {
        return HandshakeErrors.refuse(exchange.getResponse(), HttpStatus.FORBIDDEN, error, message);
    }

    private static String clientAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        return remote.getAddress().getHostAddress();
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
