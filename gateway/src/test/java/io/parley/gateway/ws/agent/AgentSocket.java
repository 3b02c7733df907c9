package io.parley.gateway.ws.agent;

import io.parley.gateway.testing.TestAddresses;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An operator's socket, as the console (with its Origin) or a script (without) connects. Each socket
 * comes "through the loopback proxy" from an address of its own (X-Forwarded-For), so hello failures
 * of one test never count against another.
 */
final class AgentSocket extends WebSocketTestClient<AgentSocket> {
    static final String CONSOLE_ORIGIN = "https://console.parley.test";

    private AgentSocket(TestCertificate trusted, int port, @Nullable String origin, String clientAddress) {
        super(trusted, port, "/ws/agent", headers(origin, clientAddress));
    }

    private static Map<String, String> headers(@Nullable String origin, String clientAddress) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forwarded-For", clientAddress);
        if (origin != null) {
            headers.put("Origin", origin);
        }
        return headers;
    }

    static AgentSocket open(TestCertificate trusted, int port) {
        return new AgentSocket(trusted, port, CONSOLE_ORIGIN, TestAddresses.unique());
    }

    static AgentSocket open(TestCertificate trusted, int port, @Nullable String origin, String clientAddress) {
        return new AgentSocket(trusted, port, origin, clientAddress);
    }

    AgentSocket hello(String accessToken) {
        return send("{\"type\":\"hello\",\"accessToken\":\"" + accessToken + "\"}");
    }

    AgentSocket hello(String accessToken, String workspaceId) {
        return send("{\"type\":\"hello\",\"accessToken\":\"" + accessToken + "\",\"workspaceId\":\"" + workspaceId
                + "\"}");
    }
}
