package io.parley.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.auth.AuthClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import io.parley.gateway.upstream.FakeOpenAi;
import io.parley.gateway.upstream.FakeOpenAi.Mode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole working session with real secrets while every logger runs at TRACE, each event written through
 * both of Parley's encoders (JSON and text) as its appenders would: an operator logs in by a mailed magic
 * link and refreshes the session, an API key is made, used and rotated, a bot gets an OpenAI key and an
 * identity secret, a verified visitor with an e-mail talks to it from a forwarded IP and comes back with
 * its visitor token, and requests fail on the way (a forged key, a reused refresh token, broken JSON, an
 * unknown field, a forged identity token, a failing upstream). Then no captured line holds any secret,
 * the e-mail addresses, the IPs, or what the visitor wrote.
 */
class SecretsNeverLoggedEndToEndTest extends GatewayIntegrationTest {
    private static final FakeOpenAi UPSTREAM = new FakeOpenAi();
    private static final String VISITOR_IP = "203.0.113.77";
    private static final String OPERATOR_IP = "198.51.100.23";

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    /** Encodes every event with Parley's two encoders the moment it is appended. */
    private static final class CapturingAppender extends AppenderBase<ILoggingEvent> {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final List<Encoder<ILoggingEvent>> encoders = new ArrayList<>();
        private final List<String> jsonLines = Collections.synchronizedList(new ArrayList<>());

        CapturingAppender(LoggerContext context) {
            setContext(context);
            for (Encoder<ILoggingEvent> encoder : List.<Encoder<ILoggingEvent>>of(new JsonLogEncoder(), new TextLogEncoder())) {
                encoder.setContext(context);
                encoder.start();
                encoders.add(encoder);
            }
            setName("secrets-test-capture");
            start();
        }

        List<String> snapshot(List<String> list) {
            synchronized (list) {
                return List.copyOf(list);
            }
        }

        @Override
        protected void append(ILoggingEvent event) {
            String json = new String(encoders.get(0).encode(event), StandardCharsets.UTF_8);
            jsonLines.add(json);
            lines.add(json);
            lines.add(new String(encoders.get(1).encode(event), StandardCharsets.UTF_8));
        }
    }

    /** A native client's visitor socket (no Origin) behind the trusted loopback proxy that forwards the visitor's IP. */
    private static final class ForwardedVisitorSocket extends WebSocketTestClient<ForwardedVisitorSocket> {
        ForwardedVisitorSocket(TestCertificate trusted, int port, String key) {
            super(trusted, port, "/ws/visitor?key=" + key, Map.of("X-Forwarded-For", VISITOR_IP));
        }
    }

    private String secret(String name, String value) {
        assertThat(value).as(name).isNotBlank();
        secrets.put(name, value);
        return value;
    }

    private Consumer<io.netty.handler.codec.http.HttpHeaders> as(String bearer) {
        return h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer).set("X-Forwarded-For", OPERATOR_IP);
    }

    private JsonNode ok(AuthClient.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        return reply.body().startsWith("{") ? reply.json() : JsonMapper.builder().build().createObjectNode();
    }

    private static String random32() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String identityToken(byte[] key, String subject, String email) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(subject)
                .claim("email", email).claim("name", "Jane Visitor").issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    @Test
    void noSecretNorEmailNorVisitorIpReachesAnyLogLine() throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        CapturingAppender captured = new CapturingAppender(logging);
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        try {
            workingSession();
        } finally {
            root.setLevel(before);
            root.detachAppender(captured);
            captured.stop();
        }
        List<String> lines = captured.snapshot(captured.lines);
        List<String> jsonLines = captured.snapshot(captured.jsonLines);

        // kept for whoever reads a failure: what was written, masked, in target/
        Files.writeString(Path.of("target", "secrets-never-logged.jsonl"), String.join("", jsonLines));
        assertThat(jsonLines).hasSizeGreaterThan(1000)
                .allSatisfy(line -> assertThat(JsonMapper.builder().build().readTree(line).has("message")).isTrue());
        String all = String.join("", lines);
        assertThat(all).as("the session was logged, masks applied").contains(LogRedaction.MASK);
        secrets.forEach((name, value) -> assertThat(lines).as(name + " in a log line")
                .noneMatch(line -> line.contains(value)));
    }

    private void workingSession() throws Exception {
        // An operator logs in by magic link, from an address a trusted proxy forwards.
        String operatorEmail = secret("operator e-mail", "log-owner-" + UUID.randomUUID().toString().substring(0, 8)
                + "@parley.test");
        secret("operator IP", OPERATOR_IP);
        ok(client.post("/api/v1/auth/magic-links", "application/json", "{\"email\":\"" + operatorEmail + "\"}",
                h -> h.set("X-Forwarded-For", OPERATOR_IP)), 202);
        String link = secret("magic-link token", await().atMost(TIMEOUT)
                .until(() -> AuthClient.linksTo(operatorEmail), links -> !links.isEmpty()).get(0));
        ok(client.get("/login/magic?token=" + link, h -> h.set("X-Forwarded-For", OPERATOR_IP)), 200);
        JsonNode session = ok(client.post("/api/v1/auth/magic-links/redeem", "application/json",
                "{\"token\":\"" + link + "\"}", h -> h.set("X-Forwarded-For", OPERATOR_IP)), 200);
        String firstAccess = secret("access token", session.get("accessToken").asString());
        String firstRefresh = secret("refresh token", session.get("refreshToken").asString());
        ok(client.post("/api/v1/auth/magic-links/redeem", "application/json", "{\"token\":\"" + link + "\"}",
                h -> h.set("X-Forwarded-For", OPERATOR_IP)), 400);
        JsonNode refreshed = ok(client.post("/api/v1/auth/refresh", "application/json",
                "{\"refreshToken\":\"" + firstRefresh + "\"}", h -> h.set("X-Forwarded-For", OPERATOR_IP)), 200);
        String access = secret("refreshed access token", refreshed.get("accessToken").asString());
        secret("rotated refresh token", refreshed.get("refreshToken").asString());
        String workspace = ok(client.get("/api/v1/me", as(access)), 200).get("memberships").get(0)
                .get("workspaceId").asString();
        String api = "/api/v1/workspaces/" + workspace;

        // A server API key: made, used, rotated, its successor used; a forged one refused.
        JsonNode created = ok(client.post(api + "/api-keys", "application/json",
                "{\"name\":\"CRM\",\"scopes\":[\"conversations:read\"]}", as(access)), 201);
        String apiKey = secret("server API key", created.get("key").asString());
        ok(client.get("/api/v1/api-key/whoami", as(apiKey)), 200);
        JsonNode rotated = ok(client.post(api + "/api-keys/" + created.get("id").asString() + "/rotate",
                "application/json", "{\"overlapMinutes\":5}", as(access)), 201);
        String successor = secret("rotated server API key", rotated.get("key").get("key").asString());
        ok(client.get("/api/v1/api-key/whoami", as(successor)), 200);
        ok(client.get("/api/v1/api-key/whoami", as(secret("forged server API key", "sk_" + random32()))), 401);

        // A bot answering from OpenAI with its own key, taking only visitors its site vouches for.
        String openAiKey = secret("OpenAI API key", "upstream-key-" + HexFormat.of().formatHex(random32()
                .getBytes(StandardCharsets.US_ASCII)).substring(0, 24));
        UPSTREAM.always(Mode.STREAM);
        String bot = ok(client.post(api + "/bots", "application/json", "{\"name\":\"Log bot\",\"greeting\":\"Hi\","
                + "\"responder\":\"openai\",\"allowNativeClients\":true,\"openai\":{\"baseUrl\":\"" + UPSTREAM.baseUrl()
                + "\",\"model\":\"gpt-logs\",\"apiKey\":\"" + openAiKey + "\"}}", as(access)), 201).get("id").asString();
        String widgetKey = ok(client.post(api + "/widget-keys", "application/json", "{\"botId\":\"" + bot + "\"}",
                as(access)), 201).get("key").asString();
        String identitySecret = secret("identity secret", ok(client.post(api + "/bots/" + bot + "/identity/secrets",
                "application/json", "", as(access)), 201).get("secret").asString());

        // A verified visitor with an e-mail, behind the proxy; then back with its visitor token.
        String visitorEmail = secret("visitor e-mail", "jane.visitor-" + UUID.randomUUID().toString().substring(0, 6)
                + "@example.com");
        secret("visitor IP", VISITOR_IP);
        String identity = secret("identity token", identityToken(Base64.getUrlDecoder().decode(identitySecret),
                "site-user-42", visitorEmail));
        String visitorToken;
        try (ForwardedVisitorSocket socket = new ForwardedVisitorSocket(CERTIFICATE, httpsPort, widgetKey)) {
            JsonNode welcome = socket.send("{\"type\":\"hello\",\"identityToken\":\"" + identity + "\"}").next("welcome");
            visitorToken = secret("visitor token", welcome.get("visitorToken").asString());
            String text = secret("the visitor's message", "Please call me about order " + UUID.randomUUID()
                    + ", my address is " + visitorEmail);
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"l1\",\"text\":\"" + text + "\"}");
            socket.nextMatching(frame -> frame.get("type").asString().equals("reply.end"));
        }
        try (ForwardedVisitorSocket socket = new ForwardedVisitorSocket(CERTIFICATE, httpsPort, widgetKey)) {
            socket.send("{\"type\":\"hello\",\"visitorToken\":\"" + visitorToken + "\"}");
            assertThat(socket.closeStatus().code()).as("a signed-in visitor's token alone").isEqualTo(4401);
        }
        UPSTREAM.always(Mode.SERVER_ERROR);
        try (ForwardedVisitorSocket socket = new ForwardedVisitorSocket(CERTIFICATE, httpsPort, widgetKey)) {
            socket.send("{\"type\":\"hello\",\"visitorToken\":\"" + visitorToken + "\",\"identityToken\":\""
                    + identity + "\"}").next("welcome");
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"l2\",\"text\":\"and again\"}");
            socket.nextMatching(frame -> frame.get("type").asString().equals("reply.end"));
        } finally {
            UPSTREAM.always(Mode.STREAM);
        }
        try (ForwardedVisitorSocket forged = new ForwardedVisitorSocket(CERTIFICATE, httpsPort, widgetKey)) {
            String forgedToken = secret("forged identity token", identityToken(random32().getBytes(StandardCharsets.US_ASCII),
                    "site-user-43", visitorEmail));
            forged.send("{\"type\":\"hello\",\"identityToken\":\"" + forgedToken + "\"}");
            assertThat(forged.closeStatus().code()).isGreaterThanOrEqualTo(4000);
        }
        assertThat(UPSTREAM.received()).extracting(FakeOpenAi.Request::authorization).contains("Bearer " + openAiKey);

        // Requests that fail with the secrets in them: broken JSON, an unknown field, a reused refresh token.
        ok(client.post("/api/v1/auth/refresh", "application/json", "{\"refreshToken\":\"" + firstRefresh + "\",",
                h -> h.set("X-Forwarded-For", OPERATOR_IP)), 400);
        ok(client.post("/api/v1/auth/magic-links", "application/json", "{\"email\":\"" + operatorEmail
                + "\",\"apiKey\":\"" + apiKey + "\"}", h -> h.set("X-Forwarded-For", OPERATOR_IP)), 400);
        ok(client.get("/api/v1/me", h -> h.set(HttpHeaderNames.COOKIE, "__Host-parley-access=" + firstAccess)), 200);
        ok(client.post("/api/v1/auth/refresh", "application/json", "{\"refreshToken\":\"" + firstRefresh + "\"}",
                h -> h.set("X-Forwarded-For", OPERATOR_IP)), 401);
    }
}
