package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestAddresses;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Logins, failures and logouts land in the audit trail, with who and from where. */
class AuthAuditTest extends GatewayIntegrationTest {
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    @Test
    void aLoginAFailedRedeemAndALogoutAreAudited() {
        String address = TestAddresses.unique();
        String email = AuthClient.uniqueEmail("audited");
        JsonNode session = client.signUp(email);
        String operatorId = client.me(session.get("accessToken").asString()).json().get("operatorId").asString();

        assertThat(client.post("/api/v1/auth/magic-links/redeem", "application/json",
                "{\"token\":\"" + "x".repeat(43) + "\"}", h -> h.set("X-Forwarded-For", address)).status())
                .isEqualTo(400);
        assertThat(client.post("/api/v1/auth/logout", null, "", h -> h.set(HttpHeaderNames.AUTHORIZATION,
                "Bearer " + session.get("accessToken").asString())).status()).isEqualTo(204);

        await().atMost(AuthClient.TIMEOUT).untilAsserted(() -> {
            assertThat(kindsFor(operatorId)).containsSubsequence("signed.up", "login.succeeded", "logged.out");
            assertThat(failuresFrom(address)).contains("login.failed");
        });
        assertThat(detailsOf(operatorId, "login.succeeded")).contains("\"method\":\"magic_link\"")
                .doesNotContain(email);
    }

    private static List<String> kindsFor(String operatorId) {
        return query("SELECT kind FROM audit_events WHERE operator_id = ? ORDER BY id", operatorId);
    }

    static List<String> failuresFrom(String address) {
        return query("SELECT kind FROM audit_events WHERE client_address = ? ORDER BY id", address);
    }

    private static String detailsOf(String operatorId, String kind) {
        return query("SELECT details FROM audit_events WHERE operator_id = ? AND kind = '" + kind + "'", operatorId)
                .get(0);
    }

    private static List<String> query(String sql, String parameter) {
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(),
                TestDatabase.password()); PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
