package io.parley.gateway.ws.agent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sessionCheck}: how often an open agent socket re-checks its session (operator disabled,
 * logged out everywhere, role changed, membership gone). At most 30 s, so that a revoked socket is
 * closed within the 60 s the protocol promises, even when one check fails.
 */
@ConfigurationProperties("parley.ws.agent")
public record AgentSocketProperties(@DefaultValue("30s") Duration sessionCheck) {
    static final Duration MAX_SESSION_CHECK = Duration.ofSeconds(30);

    public AgentSocketProperties {
        if (sessionCheck.toMillis() < 1 || sessionCheck.compareTo(MAX_SESSION_CHECK) > 0) {
            throw new IllegalArgumentException("parley.ws.agent.session-check must be between 1 ms and 30 s: "
                    + sessionCheck);
        }
    }
}
