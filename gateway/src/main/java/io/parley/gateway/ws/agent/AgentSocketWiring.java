package io.parley.gateway.ws.agent;

import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Clock;
import io.parley.core.port.Operators;
import io.parley.core.port.RefreshTokens;
import io.parley.core.port.Workspaces;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.session.AccessTokens;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.gateway.config.WebSocketProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.server.WebSocketService;

/** The {@code /ws/agent} endpoint's parts; {@link io.parley.gateway.ws.WebSocketRoutes} maps the path. */
@Configuration(proxyBeanMethods = false)
public class AgentSocketWiring {

    @Bean
    AgentSessions agentSessions(AccessTokens accessTokens, Operators operators, Workspaces workspaces,
                                AuthThrottle authThrottle, Clock clock, RefreshTokens refreshTokens) {
        return new AgentSessions(accessTokens, operators, workspaces, authThrottle, clock, refreshTokens);
    }

    @Bean
    AgentConnections agentConnections(AgentSessions sessions, FrameCodec codec, WebSocketProperties limits,
                                      AgentSocketProperties properties) {
        return new AgentConnections(sessions, codec, limits, properties);
    }

    @Bean
    AgentHandshake agentHandshake(WebSocketService webSocketService, AgentConnections connections,
                                  ClientAddresses clientAddresses, AuthProperties auth) {
        return new AgentHandshake(webSocketService, connections, clientAddresses, auth.origin());
    }
}
