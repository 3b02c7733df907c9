package io.parley.gateway.console;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A visitor on {@code /ws/visitor}, as a native app connects (no Origin), driven from the test. */
final class Visitor extends WebSocketTestClient<Visitor> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    Visitor(TestCertificate trusted, int port, String key) {
        super(trusted, port, "/ws/visitor?key=" + key, Map.of());
    }

    String hello() {
        return send("{\"type\":\"hello\"}").next("welcome").get("visitorId").asString();
    }

    /** Posts a message and returns its ack. */
    JsonNode say(String clientMsgId, String text) {
        send("{\"type\":\"message\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":" + quoted(text) + "}");
        return nextMatching(n -> "ack".equals(n.get("type").asString())
                && clientMsgId.equals(n.get("clientMsgId").asString()));
    }

    Visitor typing(boolean on) {
        return send("{\"type\":\"typing\",\"on\":" + on + "}");
    }

    private static String quoted(String text) {
        return JSON.writeValueAsString(text);
    }
}
