package io.parley.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The masking patterns: what they mask, and what they leave as it is. */
class LogRedactionTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String random32() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void serverApiKeysAreMaskedButPublicWidgetKeysStay() {
        String key = "sk_" + random32();

        assertThat(LogRedaction.redact("key " + key + " for pk_demo and pk_t12345"))
                .isEqualTo("key sk_[masked] for pk_demo and pk_t12345");
    }

    @Test
    void openAiStyleKeysAreMasked() {
        assertThat(LogRedaction.redact("upstream key sk-proj-abcdEFGH1234ijkl5678 rejected"))
                .isEqualTo("upstream key sk-[masked] rejected");
    }

    @Test
    void prefixlessThirtyTwoByteSecretsAreMaskedWhereverTheyStand() {
        String token = random32();

        assertThat(LogRedaction.redact("https://console.example/login/magic?token=" + token))
                .isEqualTo("https://console.example/login/magic?token=[masked]");
        assertThat(LogRedaction.redact("redeeming " + token + ".")).isEqualTo("redeeming [masked].");
        assertThat(LogRedaction.redact("[" + random32() + "]")).isEqualTo("[[masked]]");
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        assertThat(LogRedaction.redact("pepper " + Base64.getEncoder().encodeToString(key)))
                .isEqualTo("pepper [masked]");
    }

    @Test
    void jwtsAreMasked() {
        String jwt = "eyJhbGciOiJFUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJvcF8xMjMiLCJleHAiOjE3fQ.c2lnbmF0dXJlLWJ5dGVz";

        assertThat(LogRedaction.redact("token " + jwt + " expired")).isEqualTo("token eyJ[masked] expired");
        assertThat(LogRedaction.redact("alg none: eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."))
                .isEqualTo("alg none: eyJ[masked]");
    }

    @Test
    void visitorTokensAreMasked() {
        String token = "v1.v_AbCdEfGhIjKlMnOpQrStUv.w_demo.1893456000." + random32();

        assertThat(LogRedaction.redact("hello with " + token)).isEqualTo("hello with v1.[masked]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Authorization: Bearer abc.def                 | Authorization: [masked]",
            "[Authorization:\"Bearer abc\", Accept:\"*/*\"]    | [Authorization:[masked], Accept:\"*/*\"]",
            "{authorization=[Basic dXNlcjpwYXNz]}          | {authorization=[masked]}",
            "Cookie: __Host-parley-refresh=abc; other=1     | Cookie: [masked]",
            "set-cookie=[__Host-parley-access=xyz; Secure] | set-cookie=[masked]",
            "sent Bearer someOpaqueValue123 upstream       | sent Bearer [masked] upstream",
            "refresh __Host-parley-refresh=abc; Path=/      | refresh __Host-parley-refresh=[masked]; Path=/",
    })
    void headersAndCredentialsAreMasked(String line, String masked) {
        assertThat(LogRedaction.redact(line)).isEqualTo(masked);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "RefreshRequest[refreshToken=abc123]                | RefreshRequest[refreshToken=[masked]]",
            "{\"secret\":\"s3cr3t value\",\"id\":\"is_1\"}      | {\"secret\":[masked],\"id\":\"is_1\"}",
            "OpenAiRequest[baseUrl=https://x, apiKey=my-key]    | OpenAiRequest[baseUrl=https://x, apiKey=[masked]]",
            "client_secret=abc&code=xyz                         | client_secret=[masked]&code=xyz",
            "password: hunter2                                  | password: [masked]",
            "X-XSRF-TOKEN: 1234-5678                            | X-XSRF-TOKEN: [masked]",
    })
    void valuesOfSecretNamesAreMasked(String line, String masked) {
        assertThat(LogRedaction.redact(line)).isEqualTo(masked);
    }

    @Test
    void emailAddressesAreMaskedAlsoUrlEncoded() {
        assertThat(LogRedaction.redact("link for jane.doe+chat@example.co.uk sent"))
                .isEqualTo("link for [email [masked]] sent");
        assertThat(LogRedaction.redact("email=jane%40example.com&x=1")).isEqualTo("email=[email [masked]]&x=1");
        assertThat(LogRedaction.redact("Key (email)=(Åsa@exämple.se) already exists"))
                .isEqualTo("Key (email)=([email [masked]]) already exists");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "visitor from 203.0.113.77 connected           | visitor from 203.0.113.x connected",
            "X-Forwarded-For: 198.51.100.23, 10.0.0.1       | X-Forwarded-For: 198.51.100.x, 10.0.0.x",
            "/203.0.113.77:51234                            | /203.0.113.x:51234",
            "limit:{pk_demo:203.0.113.77}                   | limit:{pk_demo:203.0.113.x}",
            "peer 2001:db8:85a3:8d3:1319:8a2e:370:7348 left | peer 2001:db8:85a3:x left",
            "peer 2001:db8::1 left                          | peer 2001:db8:0:x left",
            "peer [2001:db8:85a3::8a2e:370:7348]:443        | peer [2001:db8:85a3:x]:443",
            "throttled 2001:db8:85a3:8d3:0:0:0:0/64         | throttled 2001:db8:85a3:x/64",
            "mapped ::ffff:203.0.113.77                     | mapped ::ffff:203.0.113.x",
            "loopback ::1 and 127.0.0.1                     | loopback ::1 and 127.0.0.x",
    })
    void ipAddressesKeepTheirNetworkOnly(String line, String masked) {
        assertThat(LogRedaction.redact(line)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "database schema is current (0 migration(s) applied now)",
            "demo workspace seeded: widget keys pk_demo and pk_loadtest",
            "took over reply m_AbCdEfGhIjKlMnOpQrStUv of node n_AbCdEfGhIjKlMnOpQrStUv in c_AbCdEfGhIjKlMnOpQrStUv",
            "OpenAI upstream of bot b_demo failed (server_error: 500); answering from the knowledge base",
            "at io.parley.gateway.ws.VisitorConnection.onFrame(VisitorConnection.java:78)",
            "Spring Boot 4.0.7 on Java 17.0.12 at 12:34:56.789, version 1.2.3",
            "std::vector and Foo::bar are not addresses; neither is 12:34:56",
            "the tokens were spent; 5 tokens left; maxTokens exceeded",
            "a task_queue of disk_usage, basic facts, masked lines",
            "e-mail sent to the operator (address not logged), user@localhost",
            "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    })
    void ordinaryLinesStayAsTheyAre(String line) {
        assertThat(LogRedaction.redact(line)).isEqualTo(line);
    }

    @Test
    void fieldNamesThatHoldSecretsOrEmailsAreMaskedWhole() {
        assertThat(LogRedaction.sensitiveField("refreshToken")).isTrue();
        assertThat(LogRedaction.sensitiveField("identity_secret")).isTrue();
        assertThat(LogRedaction.sensitiveField("Set-Cookie")).isTrue();
        assertThat(LogRedaction.sensitiveField("Authorization")).isTrue();
        assertThat(LogRedaction.sensitiveField("visitorEmail")).isTrue();
        assertThat(LogRedaction.sensitiveField("api-key")).isTrue();
        assertThat(LogRedaction.sensitiveField("message")).isFalse();
        assertThat(LogRedaction.sensitiveField("conversationId")).isFalse();
        assertThat(LogRedaction.sensitiveField("maxTokens")).isFalse();
        assertThat(LogRedaction.addressField("clientIp")).isTrue();
        assertThat(LogRedaction.addressField("zip")).isFalse();
        assertThat(LogRedaction.redactAddress("203.0.113.77")).isEqualTo("203.0.113.x");
        assertThat(LogRedaction.redactAddress("some-host-name")).isEqualTo(LogRedaction.MASK);
    }
}
