package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestClients;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

class HttpsRedirectTest extends GatewayIntegrationTest {

    @Autowired
    HttpsRedirectServer redirectServer;

    @Test
    void redirectsPermanentlyToHttpsKeepingHostPathAndQuery() {
        var response = TestClients.http(redirectServer.port())
                .headers(headers -> headers.set("Host", "chat.example.com:8080"))
                .get().uri("/api/v1/conversations?limit=10&q=a%20b")
                .response().block(TIMEOUT);

        assertThat(response.status().code()).isEqualTo(308);
        assertThat(response.responseHeaders().get("Location"))
                .isEqualTo("https://chat.example.com:" + httpsPort + "/api/v1/conversations?limit=10&q=a%20b");
    }

    @Test
    void redirectsPostWithoutServingContent() {
        record Answer(int status, String location, String body) {
        }

        Answer answer = TestClients.http(redirectServer.port())
                .post().uri("/.well-known/security.txt")
                .send(ByteBufFlux.fromString(Mono.just("{\"text\":\"hello\"}")))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(),
                                response.responseHeaders().get("Location"), text)))
                .block(TIMEOUT);

        assertThat(answer.status()).isEqualTo(308);
        assertThat(answer.location()).isEqualTo("https://127.0.0.1:" + httpsPort + "/.well-known/security.txt");
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void answersBadRequestWhenHostHeaderIsMalformed() {
        var response = TestClients.http(redirectServer.port())
                .headers(headers -> headers.set("Host", "evil.example/@other"))
                .get().uri("/")
                .response().block(TIMEOUT);

        assertThat(response.status().code()).isEqualTo(400);
        assertThat(response.responseHeaders().get("Location")).isNull();
    }
}
