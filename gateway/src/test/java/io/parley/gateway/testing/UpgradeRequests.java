package io.parley.gateway.testing;

import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

/** WebSocket upgrade requests sent as plain HTTPS, to read what the server answers before any 101. */
public final class UpgradeRequests {

    private UpgradeRequests() {
    }

    /** The answer to an upgrade: its status, body and {@code Retry-After} (0 when absent). */
    public record Answer(int status, String body, long retryAfterSeconds) {
    }

    /** Sends an upgrade for {@code pathAndQuery} (e.g. {@code /ws/visitor?key=pk_…}), with {@code origin} when given. */
    public static Answer send(SslContext trusting, int port, String pathAndQuery, @Nullable String origin) {
        return Objects.requireNonNull(HttpClient.create()
                .secure(spec -> spec.sslContext(trusting))
                .headers(h -> {
                    h.set("Upgrade", "websocket").set("Connection", "Upgrade").set("Sec-WebSocket-Version", "13")
                            .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                    if (origin != null) {
                        h.set("Origin", origin);
                    }
                })
                .get()
                .uri("https://localhost:" + port + pathAndQuery)
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text,
                                Long.parseLong(response.responseHeaders().get("Retry-After", "0")))))
                .block(GatewayIntegrationTest.TIMEOUT));
    }
}
