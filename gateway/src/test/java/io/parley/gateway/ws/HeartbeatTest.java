package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/** WebSocket pings every heartbeat; a client that answers none for two heartbeats is closed. */
@TestPropertySource(properties = "parley.ws.heartbeat=400ms")
class HeartbeatTest extends GatewayIntegrationTest {

    @Test
    void aClientThatNeverAnswersPingsIsClosedAfterTwoHeartbeats() {
        AtomicInteger pings = new AtomicInteger();
        Integer code = HttpClient.create()
                .secure(spec -> spec.sslContext(CERTIFICATE.trustingClientContext()))
                .headers(h -> h.set("Origin", TestBots.DEMO_ORIGIN))
                // handlePing: pings reach this handler and are not answered
                .websocket(WebsocketClientSpec.builder().handlePing(true).build())
                .uri("wss://localhost:" + httpsPort + "/ws/visitor?key=" + TestBots.knowledgeBaseKey())
                .handle((in, out) -> {
                    in.receiveFrames().ofType(PingWebSocketFrame.class).subscribe(p -> pings.incrementAndGet());
                    return out.sendString(Flux.just("{\"type\":\"hello\"}")).then()
                            .thenMany(in.receiveCloseStatus().map(status -> status.code()));
                })
                .blockFirst(Duration.ofSeconds(10));
        assertThat(code).isEqualTo(1001);
        assertThat(pings.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() {
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.knowledgeBaseKey(),
                TestBots.DEMO_ORIGIN)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !socket.isClosed());
            assertThat(socket.send("{\"type\":\"ping\"}").next("pong")).isNotNull();
        }
    }
}
