package io.parley.gateway.ws;

import io.parley.persistence.postgres.SealedValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import io.parley.persistence.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Signed-in website users over real wss://: the site signs their identity with the bot's identity secret
 * (here with Nimbus, as a site's JWT library would), and a bot may take only such visitors.
 */
class VerifiedVisitorSocketTest extends GatewayIntegrationTest {

    private final String key = TestBots.knowledgeBaseKey();
    private final String bot = "b_t" + key.substring("pk_t".length());
    private final byte[] secret = newSecret();

    private byte[] newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        try (Connection db = database(); PreparedStatement insert = db.prepareStatement(
                "INSERT INTO bot_identity_secrets (id, bot_id, slot, secret, created_at) VALUES (?, ?, 1, ?, now())")) {
            String id = "is_" + UUID.randomUUID().toString().replace("-", "");
            insert.setString(1, id);
            insert.setString(2, bot);
            insert.setBytes(3, SealedValues.shared().sealBytes("bot_identity_secrets", "secret", bytes, id));
            insert.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return bytes;
    }

    private void verifiedVisitorsOnly() {
        TestBots.execute("UPDATE bots SET verified_visitors_only = true WHERE id = '" + bot + "'");
    }

    private String identityToken(String sub, String email, Duration expiresIn) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(sub)
                    .claim("email", email)
                    .claim("name", "Jane Doe")
                    .issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plus(expiresIn)))
                    .build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private VisitorSocket connect() {
        return VisitorSocket.open(CERTIFICATE, httpsPort, key, TestBots.DEMO_ORIGIN);
    }

    @Test
    void aBotForVerifiedVisitorsOnlyClosesAHelloWithoutIdentityWith4401() {
        verifiedVisitorsOnly();
        VisitorSocket socket = connect();

        socket.hello("{\"type\":\"hello\"}");

        VisitorSocket.Closed closed = socket.closeStatus();
        assertThat(closed.code()).isEqualTo(4401);
        assertThat(closed.reason()).isEqualTo("this chat needs a signed-in user");
    }

    @Test
    void aSignedInUserIsWelcomedAsAVerifiedVisitorWithTheEmailOfTheToken() {
        verifiedVisitorsOnly();
        String sub = "site-user-" + UUID.randomUUID();
        try (VisitorSocket socket = connect()) {
            JsonNode welcome = socket.hello("{\"type\":\"hello\",\"identityToken\":\""
                    + identityToken(sub, "jane@example.com", Duration.ofMinutes(10)) + "\"}").next("welcome");

            Map<String, Object> visitor = visitorRow(welcome.get("visitorId").asString());
            assertThat(visitor).containsEntry("external_id", sub).containsEntry("verified", true)
                    .containsEntry("email", "jane@example.com").containsEntry("name", "Jane Doe");
            assertThat((String) visitor.get("ip_address")).isNotBlank();

            socket.send("{\"type\":\"message\",\"clientMsgId\":\"m1\",\"text\":\"hello\"}");
            assertThat(socket.next("message").get("author").get("name").asString()).isEqualTo("Visitor");
        }
    }

    @Test
    void theSameUserOnAnotherDeviceIsTheSameVisitorAndFindsItsConversation() {
        String sub = "site-user-" + UUID.randomUUID();
        String visitorId;
        String conversationId;
        try (VisitorSocket laptop = connect()) {
            visitorId = laptop.hello("{\"type\":\"hello\",\"identityToken\":\""
                    + identityToken(sub, "jane@example.com", Duration.ofMinutes(10)) + "\"}").next("welcome")
                    .get("visitorId").asString();
            laptop.send("{\"type\":\"message\",\"clientMsgId\":\"m1\",\"text\":\"hello\"}");
            conversationId = laptop.next("ack").get("conversationId").asString();
        }
        try (VisitorSocket phone = connect()) {
            JsonNode welcome = phone.hello("{\"type\":\"hello\",\"identityToken\":\""
                    + identityToken(sub, "jane@example.com", Duration.ofMinutes(10)) + "\"}").next("welcome");

            assertThat(welcome.get("visitorId").asString()).isEqualTo(visitorId);
            assertThat(welcome.get("conversationId").asString()).isEqualTo(conversationId);
        }
    }

    @Test
    void anExpiredIdentityTokenClosesWith4401() {
        VisitorSocket socket = connect();

        socket.hello("{\"type\":\"hello\",\"identityToken\":\""
                + identityToken("site-user-1", "jane@example.com", Duration.ofMinutes(-5)) + "\"}");

        VisitorSocket.Closed closed = socket.closeStatus();
        assertThat(closed.code()).isEqualTo(4401);
        assertThat(closed.reason()).isEqualTo("identity token invalid or expired");
    }

    /** The visitor's row, its sealed columns opened after checking that none holds its value in plaintext. */
    private static Map<String, Object> visitorRow(String visitorId) {
        try (Connection db = database(); PreparedStatement query = db.prepareStatement(
                "SELECT external_id, verified, email, name, ip_address FROM visitors WHERE id = ?")) {
            query.setString(1, visitorId);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                Map<String, Object> row = new HashMap<>();
                row.put("verified", rows.getBoolean("verified"));
                for (String column : new String[]{"external_id", "email", "name", "ip_address"}) {
                    byte[] stored = rows.getBytes(column);
                    String value = stored == null ? null
                            : SealedValues.shared().open("visitors", column, stored, visitorId);
                    if (value != null) {
                        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                                .as("visitors.%s as stored", column).doesNotContain(value);
                    }
                    row.put(column, value);
                }
                return row;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection database() throws java.sql.SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }
}
