package io.parley.gateway.ws;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.engine.ConversationEngine;
import io.parley.core.port.WidgetKeys;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.config.WebSocketProperties;
import io.parley.gateway.ws.agent.AgentHandshake;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** The WebSocket endpoints: frame size capped, no per-message deflate, subprotocol parley.v1. */
@Configuration(proxyBeanMethods = false)
public class WebSocketRoutes {

    @Bean
    WebSocketService webSocketService(WebSocketProperties limits) {
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(limits.maxFrameBytes())
                .compress(false)
                .handlePing(false)));
    }

    @Bean
    VisitorConnections visitorConnections(ConversationEngine engine, FrameCodec codec, WebSocketProperties limits,
                                          MeterRegistry registry) {
        Gauge.builder("parley.replies.streaming", engine, ConversationEngine::repliesInFlight)
                .description("bot replies this node is streaming").register(registry);
        return new VisitorConnections(engine, codec, limits, registry);
    }

    @Bean
    HandlerMapping webSocketMapping(WidgetKeys widgetKeys, ConversationEngine engine, WebSocketService webSocketService,
                                    VisitorConnections connections, AgentHandshake agentHandshake) {
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of(
                "/ws/visitor", new VisitorHandshake(widgetKeys, engine, webSocketService, connections),
                "/ws/agent", agentHandshake));
        mapping.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return mapping;
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(WebSocketService webSocketService) {
        return new WebSocketHandlerAdapter(webSocketService);
    }
}
