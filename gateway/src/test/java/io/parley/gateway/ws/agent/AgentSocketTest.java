package io.parley.gateway.ws.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.Role;
import io.parley.core.model.Workspace;
import io.parley.core.port.Clock;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.session.AccessTokens;
import io.parley.gateway.auth.session.OpaqueTokens;
import io.parley.gateway.auth.session.SigningKeys;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestAddresses;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/agent} over real wss://: operators and memberships made through the real ports, tokens
 * issued by the gateway's own {@link AccessTokens} (or forged by hand). Sessions are re-checked every
 * 300 ms here, so a revoked socket must go within a few seconds.
 */
@TestPropertySource(properties = {"parley.ws.agent.session-check=300ms", "parley.ws.hello-timeout=2s"})
class AgentSocketTest extends GatewayIntegrationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The session check is 300 ms; a revoked socket closes well within this. */
    private static final Duration REVOKED_WITHIN = Duration.ofSeconds(5);

    @Autowired
    Operators operators;
    @Autowired
    Workspaces workspaces;
    @Autowired
    AccessTokens accessTokens;
    @Autowired
    io.parley.core.port.RefreshTokens refreshTokens;
    @Autowired
    SigningKeys signingKeys;
    @Autowired
    AuthProperties auth;

    private record Agent(Operator operator, Workspace workspace, String token) {
    }

    /** A new operator owning a workspace of their own, with a fresh access token. */
    private Agent newOwner(String who) {
        String email = who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@parley.test";
        Operator operator = operators.findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, who)
                .block(TIMEOUT);
        Workspace workspace = workspaces.createOwnedBy(who + "'s workspace", operator.id()).block(TIMEOUT);
        return new Agent(operator, workspace, accessTokens.issue(operator, liveSession(operator)).token());
    }

    /** A session family that exists and is not revoked, as a login would leave it. */
    private String liveSession(Operator operator) {
        String family = "rf_test-" + UUID.randomUUID();
        byte[] hash = OpaqueTokens.hash(OpaqueTokens.generate());
        refreshTokens.store(hash, family, operator.id(), operator.sessionVersion(),
                Instant.now().plus(Duration.ofDays(1))).block(TIMEOUT);
        return family;
    }

    @Test
    void aPlainLogoutClosesTheSocketWithinTheCheckInterval() {
        Agent agent = newOwner("plain-logout");
        try (AgentSocket socket = welcomed(agent)) {
            int status = https().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + agent.token()))
                    .post().uri("/api/v1/auth/logout")
                    .response().block(TIMEOUT).status().code();
            assertThat(status).isEqualTo(204);
            AgentSocket.Closed closed = socket.closeStatus(REVOKED_WITHIN);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("logged out");
        }
    }

    private AgentSocket welcomed(Agent agent) {
        AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort);
        JsonNode welcome = socket.hello(agent.token()).next();
        assertThat(welcome.get("type").asString()).isEqualTo("welcome");
        return socket;
    }

    @Test
    void helloWithAnAccessTokenIsWelcomedWithTheOperatorRoleAndWorkspace() {
        Agent agent = newOwner("welcome");
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            assertThat(socket.selectedProtocol()).isEqualTo("parley.v1");
            JsonNode welcome = socket.hello(agent.token()).next();
            assertThat(welcome.get("type").asString()).isEqualTo("welcome");
            assertThat(welcome.get("operatorId").asString()).isEqualTo(agent.operator().id().value()).startsWith("o_");
            assertThat(welcome.get("name").asString()).isEqualTo("welcome");
            assertThat(welcome.get("role").asString()).isEqualTo("owner");
            assertThat(welcome.get("workspace").get("id").asString()).isEqualTo(agent.workspace().id().value());
            assertThat(welcome.get("workspace").get("name").asString()).isEqualTo("welcome's workspace");
            assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(25_000);
        }
    }

    @Test
    void everyAgentFrameIsCheckedAgainstTheRolesPermissions() {
        Agent owner = newOwner("frame-permissions");
        String email = "viewer-" + UUID.randomUUID().toString().substring(0, 8) + "@parley.test";
        Operator viewer = operators.findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, "viewer")
                .block(TIMEOUT);
        workspaces.grant(viewer.id(), owner.workspace().id(), io.parley.core.model.Role.VIEWER).block(TIMEOUT);
        Operator granted = operators.find(viewer.id()).block(TIMEOUT);
        try (AgentSocket socket = welcomed(new Agent(granted, owner.workspace(),
                accessTokens.issue(granted, liveSession(granted)).token()))) {
            for (String writing : List.of("{\"type\":\"message\",\"conversationId\":\"c_x\",\"clientMsgId\":\"a\",\"text\":\"hi\"}",
                    "{\"type\":\"takeover\",\"conversationId\":\"c_x\"}", "{\"type\":\"release\",\"conversationId\":\"c_x\"}",
                    "{\"type\":\"typing\",\"conversationId\":\"c_x\",\"on\":true}")) {
                JsonNode refused = socket.send(writing).next();
                assertThat(refused.get("code").asString()).as(writing).isEqualTo("forbidden");
                assertThat(refused.get("message").asString()).contains("viewer");
            }
            assertThat(socket.send("{\"type\":\"join\",\"conversationId\":\"c_x\",\"lastSeq\":0}").next()
                    .get("code").asString()).as("reading is a viewer's right").isEqualTo("not_found");
        }
    }

    @Test
    void pingIsAnsweredWithPongAndAgentsSendTakeoverRatherThanHandoff() {
        try (AgentSocket socket = welcomed(newOwner("ping"))) {
            JsonNode pong = socket.send("{\"type\":\"ping\",\"t\":{\"n\":42}}").next();
            assertThat(pong.get("type").asString()).isEqualTo("pong");
            assertThat(pong.get("t").get("n").asInt()).isEqualTo(42);

            JsonNode later = socket.send("{\"type\":\"handoff\",\"conversationId\":\"c_x\"}").next();
            assertThat(later.get("type").asString()).isEqualTo("error");
            assertThat(later.get("code").asString()).isEqualTo("not_implemented");
            assertThat(socket.send("{\"type\":\"join\",\"conversationId\":\"c_x\",\"lastSeq\":0}").next()
                    .get("code").asString()).isEqualTo("not_found");
            assertThat(socket.send("{\"type\":\"join\",\"conversationId\":\"x\"}").next()
                    .get("code").asString()).isEqualTo("bad_frame");

            assertThat(socket.send("{\"type\":\"nonsense\"}").next().get("code").asString()).isEqualTo("bad_frame");
            assertThat(socket.send("{\"type\":\"hello\",\"accessToken\":\"x\"}").next().get("code").asString())
                    .isEqualTo("already_started");
            // the session stays up across several re-checks
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !socket.isClosed());
            assertThat(socket.send("{\"type\":\"ping\"}").next().get("type").asString()).isEqualTo("pong");
        }
    }

    @Test
    void anOperatorOfSeveralWorkspacesNamesOne() {
        Agent agent = newOwner("several");
        Agent other = newOwner("other");
        workspaces.grant(agent.operator().id(), other.workspace().id(), Role.VIEWER).block(TIMEOUT);
        // the grant ended the operator's sessions: a token issued after it
        Operator now = operators.find(agent.operator().id()).block(TIMEOUT);
        String token = accessTokens.issue(now, liveSession(now)).token();

        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            socket.hello(token);
            AgentSocket.Closed closed = socket.closeStatus();
            assertThat(closed.code()).isEqualTo(4403);
            assertThat(closed.reason()).contains("choose a workspace");
        }
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            JsonNode welcome = socket.hello(token, other.workspace().id().value()).next();
            assertThat(welcome.get("workspace").get("id").asString()).isEqualTo(other.workspace().id().value());
            assertThat(welcome.get("role").asString()).isEqualTo("viewer");
        }
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            socket.hello(token, newOwner("stranger").workspace().id().value());
            assertThat(socket.closeStatus().code()).isEqualTo(4403);
        }
    }

    @Test
    void aWrongOriginIsRefusedWith403BeforeTheUpgrade() {
        Refusal evil = handshake("https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        JsonNode body = JSON.readTree(evil.body());
        assertThat(body.get("error").asString()).isEqualTo("origin_not_allowed");
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(handshake("http://console.parley.test").status()).as("another scheme").isEqualTo(403);
        assertThat(handshake("https://console.parley.test.evil.example").status()).as("a suffix").isEqualTo(403);
        assertThat(handshake("https://console.parley.test:8443").status()).as("another port").isEqualTo(403);
        assertThat(handshake("https://console.parley.test").status()).isEqualTo(101);
        assertThat(handshake("https://CONSOLE.parley.test:443").status()).isEqualTo(101);
        assertThat(handshake(null).status()).as("no Origin: a native client").isEqualTo(101);
    }

    @Test
    void noHelloClosesWith4408() {
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            assertThat(socket.closeStatus().code()).isEqualTo(4408);
        }
    }

    @Test
    void aFirstFrameOtherThanHelloClosesWith4401() {
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            socket.send("{\"type\":\"ping\"}");
            assertThat(socket.closeStatus().code()).isEqualTo(4401);
        }
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            socket.send("{\"type\":\"hello\"}");
            AgentSocket.Closed closed = socket.closeStatus();
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("accessToken");
        }
    }

    @Test
    void expiredTamperedAndUnsignedTokensCloseWith4401() {
        Agent agent = newOwner("forged");
        ECKey current = (ECKey) TestBackends.SIGNING_KEYS.getKeyByKeyId("test-current");
        String id = agent.operator().id().value();
        Instant now = Instant.now();

        assertClosed4401(sign(current, claims(id, now.minus(Duration.ofMinutes(20)), Duration.ofMinutes(15))),
                "expired");
        assertClosed4401(sign(current, claims(id, now.minusSeconds(30), Duration.ofSeconds(20))),
                "expired"); // within the verifier's clock-skew leeway, still expired
        String[] parts = agent.token().split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("o_" + "x".repeat(20), now, Duration.ofMinutes(15)).toString().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertClosed4401(tampered, "invalid");
        assertClosed4401(unsigned("test-current", claims(id, now, Duration.ofMinutes(15))), "invalid");
        assertClosed4401(sign(newKey("test-current"), claims(id, now, Duration.ofMinutes(15))), "invalid");
        assertClosed4401(sign(newKey("unknown-kid"), claims(id, now, Duration.ofMinutes(15))), "invalid");
        assertClosed4401("not-a-jwt", "invalid");
    }

    @Test
    void logoutEverywhereClosesTheSocketWithinTheCheckInterval() {
        Agent agent = newOwner("logout");
        try (AgentSocket socket = welcomed(agent)) {
            int status = https().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + agent.token()))
                    .post().uri("/api/v1/auth/logout?all=true")
                    .response().block(TIMEOUT).status().code();
            assertThat(status).isEqualTo(204);
            AgentSocket.Closed closed = socket.closeStatus(REVOKED_WITHIN);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("session ended");
        }
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            socket.hello(agent.token());
            assertThat(socket.closeStatus().code()).as("the old token on a new socket").isEqualTo(4401);
        }
    }

    @Test
    void aRoleChangeClosesTheSocket() {
        Agent agent = newOwner("demoted");
        try (AgentSocket socket = welcomed(agent)) {
            workspaces.grant(agent.operator().id(), agent.workspace().id(), Role.AGENT).block(TIMEOUT);
            AgentSocket.Closed closed = socket.closeStatus(REVOKED_WITHIN);
            assertThat(closed.code()).isEqualTo(4401);
        }
    }

    @Test
    void disablingTheOperatorClosesTheSocket() throws SQLException {
        Agent agent = newOwner("disabled");
        try (AgentSocket socket = welcomed(agent)) {
            try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(),
                    TestDatabase.password());
                 PreparedStatement disable = db.prepareStatement("UPDATE operators SET disabled = true WHERE id = ?")) {
                disable.setString(1, agent.operator().id().value());
                assertThat(disable.executeUpdate()).isEqualTo(1);
            }
            AgentSocket.Closed closed = socket.closeStatus(REVOKED_WITHIN);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("disabled");
        }
    }

    @Test
    void aTokenThatExpiresWhileConnectedClosesTheSocket() {
        Agent agent = newOwner("expiring");
        AccessTokens shortLived = new AccessTokens(signingKeys, auth.issuer(), Duration.ofSeconds(2), Clock.system());
        String token = shortLived.issue(agent.operator(), liveSession(agent.operator())).token();
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            assertThat(socket.hello(token).next().get("type").asString()).isEqualTo("welcome");
            AgentSocket.Closed closed = socket.closeStatus(REVOKED_WITHIN);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("expired");
        }
    }

    @Test
    void repeatedBadHellosFromOneAddressAreRefusedWith4429() {
        String address = TestAddresses.unique();
        int failures = 0;
        AgentSocket.Closed closed;
        do {
            try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort, AgentSocket.CONSOLE_ORIGIN, address)) {
                closed = socket.hello("bad-token-" + failures).closeStatus();
            }
            failures++;
        } while (closed.code() == 4401 && failures <= 20);
        assertThat(closed.code()).isEqualTo(4429);
        assertThat(failures).as("hellos until refused (10 failures allowed by default)").isEqualTo(11);
        assertThat(closed.reason()).matches("retryAfterMs=[1-9][0-9]*");

        // refused before the token is looked at: a good token from that address waits too
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort, AgentSocket.CONSOLE_ORIGIN, address)) {
            assertThat(socket.hello(newOwner("locked").token()).closeStatus().code()).isEqualTo(4429);
        }
        // another address is not affected
        try (AgentSocket socket = welcomed(newOwner("elsewhere"))) {
            assertThat(socket.isClosed()).isFalse();
        }
    }

    private void assertClosed4401(String token, String reason) {
        try (AgentSocket socket = AgentSocket.open(CERTIFICATE, httpsPort)) {
            AgentSocket.Closed closed = socket.hello(token).closeStatus();
            assertThat(closed.code()).as(token).isEqualTo(4401);
            assertThat(closed.reason()).as(token).contains(reason);
        }
    }

    private record Refusal(int status, String body) {
    }

    /** A WebSocket upgrade request as plain HTTPS, to read what the server answers before any 101. */
    private Refusal handshake(@Nullable String origin) {
        return HttpClient.create()
                .secure(spec -> spec.sslContext(CERTIFICATE.trustingClientContext()))
                .headers(h -> {
                    h.set("Upgrade", "websocket").set("Connection", "Upgrade").set("Sec-WebSocket-Version", "13")
                            .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                    if (origin != null) {
                        h.set("Origin", origin);
                    }
                })
                .get()
                .uri("https://localhost:" + httpsPort + "/ws/agent")
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Refusal(response.status().code(), text)))
                .block(TIMEOUT);
    }

    private JWTClaimsSet claims(String operatorId, Instant issuedAt, Duration lifetime) {
        return new JWTClaimsSet.Builder()
                .issuer(auth.issuer())
                .audience(AccessTokens.AUDIENCE)
                .subject(operatorId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("sv", 0L)
                .claim("sid", "rf_test-" + UUID.randomUUID())
                .build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** alg none, claiming a kid the gateway holds, no signature. */
    private static String unsigned(String kid, JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"none\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static ECKey newKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
