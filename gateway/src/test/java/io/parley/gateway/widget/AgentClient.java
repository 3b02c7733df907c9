package io.parley.gateway.widget;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** An agent on {@code /ws/agent}, driven from the test as a console would (without an Origin, like a script). */
final class AgentClient extends WebSocketTestClient<AgentClient> {

    AgentClient(TestCertificate trusted, int port) {
        super(trusted, port, "/ws/agent", Map.of());
    }

    JsonNode hello(String accessToken) {
        send("{\"type\":\"hello\",\"accessToken\":\"" + accessToken + "\"}");
        return next("welcome");
    }

    AgentClient frame(String type, String conversationId, String more) {
        return send("{\"type\":\"" + type + "\",\"conversationId\":\"" + conversationId + "\"" + more + "}");
    }
}
