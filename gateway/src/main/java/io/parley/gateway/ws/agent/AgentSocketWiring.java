package io.parley.gateway.ws.agent;

import io.micrometer.core.instrument.MeterRegistry;

import io.parley.core.engine.AgentDesk;
import io.parley.core.engine.AgentPorts;
import io.parley.core.engine.ConversationEngine;
import io.parley.core.engine.EnginePorts;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.IdGenerator;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
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
    AgentDesk agentDesk(ConversationEngine engine, PostgresAdapters postgres, RedisAdapters redis, IdGenerator ids,
                        Clock clock, AgentSocketProperties properties) {
        EnginePorts ports = new EnginePorts(postgres.messageLog(), postgres.conversations(), postgres.visitors(),
                postgres.identityVerification(), redis.eventBus(), redis.replyStreams(), redis.rateLimiter(), ids, clock);
        return new AgentDesk(engine, ports, new AgentPorts(postgres.inbox(), postgres.assignments(), redis.inboxBus(),
                redis.presence(clock)), properties.presenceHeartbeat());
    }

    @Bean
    AgentConnections agentConnections(AgentSessions sessions, FrameCodec codec, WebSocketProperties limits,
                                      AgentSocketProperties properties, AgentDesk desk, MeterRegistry registry) {
        return new AgentConnections(sessions, codec, limits, properties, desk, registry);
    }

    @Bean
    AgentHandshake agentHandshake(WebSocketService webSocketService, AgentConnections connections,
                                  ClientAddresses clientAddresses, AuthProperties auth) {
        return new AgentHandshake(webSocketService, connections, clientAddresses, auth.origin());
    }
}
