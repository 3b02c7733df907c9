package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

@Import(HstsTest.EchoWebSocket.class)
class HstsTest extends GatewayIntegrationTest {

    private static final String HSTS = "Strict-Transport-Security";

    @Test
    void addsHstsToSuccessfulResponse() {
        HttpClientResponse response = https().get().uri("/.well-known/security.txt").response().block(TIMEOUT);

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.responseHeaders().get(HSTS)).isEqualTo("max-age=63072000; includeSubDomains");
    }

    @Test
    void addsHstsToNotFoundResponse() {
        HttpClientResponse response = https().get().uri("/no/such/page").response().block(TIMEOUT);

        assertThat(response.status().code()).isEqualTo(404);
        assertThat(response.responseHeaders().get(HSTS)).isEqualTo("max-age=63072000; includeSubDomains");
    }

    @Test
    void addsHstsToMethodNotAllowedResponse() {
        HttpClientResponse response = https().delete().uri("/.well-known/security.txt").response().block(TIMEOUT);

        assertThat(response.status().code()).isEqualTo(405);
        assertThat(response.responseHeaders().get(HSTS)).isEqualTo("max-age=63072000; includeSubDomains");
    }

    @Test
    void addsHstsToWebSocketHandshakeResponse() {
        record Upgrade(String echo, @Nullable String hsts) {
        }

        Upgrade upgrade = https().websocket().uri("/test/echo")
                .handle((in, out) -> out.sendString(Mono.just("ping")).then()
                        .thenMany(in.receive().asString().take(1))
                        .map(echo -> new Upgrade(echo, in.headers().get(HSTS))))
                .blockFirst(TIMEOUT);

        assertThat(upgrade.echo()).isEqualTo("ping");
        assertThat(upgrade.hsts()).isEqualTo("max-age=63072000; includeSubDomains");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class EchoWebSocket {

        @Bean
        HandlerMapping echoWebSocketMapping() {
            WebSocketHandler echo = session -> session.send(
                    session.receive().map(message -> session.textMessage(message.getPayloadAsText())));
            return new SimpleUrlHandlerMapping(Map.of("/test/echo", echo), -1);
        }
    }
}
