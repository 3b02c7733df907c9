package io.parley.gateway.ws.agent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sessionCheck}: how often an open agent socket re-checks its session (operator disabled,
 * logged out everywhere, role changed, membership gone). At most 30 s, so that a revoked socket is
 * closed within the 60 s the protocol promises, even when one check fails. {@code presenceHeartbeat}: how
 * often each agent socket refreshes its presence entry (which lives three beats) and inbox subscribers
 * look the online set up again; 1 s to 60 s.
 */
@ConfigurationProperties("parley.ws.agent")
public record AgentSocketProperties(@DefaultValue("30s") Duration sessionCheck,
                                    @DefaultValue("10s") Duration presenceHeartbeat) {
    static final Duration MAX_SESSION_CHECK = Duration.ofSeconds(30);

    public AgentSocketProperties {
        if (sessionCheck.toMillis() < 1 || sessionCheck.compareTo(MAX_SESSION_CHECK) > 0) {
            throw new IllegalArgumentException("parley.ws.agent.session-check must be between 1 ms and 30 s: "
                    + sessionCheck);
        }
        if (presenceHeartbeat.compareTo(Duration.ofSeconds(1)) < 0 || presenceHeartbeat.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("parley.ws.agent.presence-heartbeat must be between 1 s and 60 s: "
                    + presenceHeartbeat);
        }
    }
}
