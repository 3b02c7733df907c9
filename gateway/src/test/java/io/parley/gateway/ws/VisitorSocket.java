package io.parley.gateway.ws;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A visitor's socket: a widget's (with an Origin) or a native app's (without). */
final class VisitorSocket extends WebSocketTestClient<VisitorSocket> {

    private VisitorSocket(TestCertificate trusted, int port, String key, @Nullable String origin) {
        super(trusted, port, "/ws/visitor?key=" + key, origin == null ? Map.of() : Map.of("Origin", origin));
    }

    static VisitorSocket open(TestCertificate trusted, int port, String key, @Nullable String origin) {
        return new VisitorSocket(trusted, port, key, origin);
    }

    VisitorSocket hello(String json) {
        return send(json);
    }
}
