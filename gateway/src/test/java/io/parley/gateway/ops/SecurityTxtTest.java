package io.parley.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityTxtTest extends GatewayIntegrationTest {

    record Answer(int status, String contentType, String body) {
    }

    @Test
    void servesRfc9116FieldsAsPlainText() {
        Answer answer = https().get().uri("/.well-known/security.txt")
                .responseSingle((response, content) -> content.asString().map(body -> new Answer(
                        response.status().code(), response.responseHeaders().get("Content-Type"), body)))
                .block(TIMEOUT);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain;charset=UTF-8");
        Map<String, String> fields = fields(answer.body());
        assertThat(fields).containsEntry("Contact", "mailto:security@parley.example")
                .containsEntry("Policy", "https://parley.example/SECURITY.md")
                .containsEntry("Preferred-Languages", "en")
                .containsEntry("Canonical", "https://localhost:" + httpsPort + "/.well-known/security.txt");
        Instant expires = Instant.parse(fields.get("Expires"));
        assertThat(expires).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofDays(365)));
    }

    private static Map<String, String> fields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return fields;
    }
}
