package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestAddresses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Guessing API keys: clients told apart by X-Forwarded-For from the trusted loopback proxy. */
@TestPropertySource(properties = "parley.auth.throttle.api-key-failures.permits=3")
class ApiKeyThrottleTest extends GatewayIntegrationTest {
    private static final String WHOAMI = "/api/v1/api-key/whoami";

    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    private AuthClient.Reply whoamiFrom(String address, String key) {
        return client.get(WHOAMI, h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                .set("X-Forwarded-For", address));
    }

    @Test
    void badKeysFromOneAddressAreRefusedWith429AfterTheFailureLimitOthersAreNot() {
        String access = client.signUp(AuthClient.uniqueEmail("guessed")).get("accessToken").asString();
        String workspace = client.me(access).json().get("memberships").get(0).get("workspaceId").asString();
        AuthClient.Reply created = client.post("/api/v1/workspaces/" + workspace + "/api-keys", "application/json",
                "{\"name\":\"n\",\"scopes\":[\"knowledge:read\"]}",
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + access));
        assertThat(created.status()).isEqualTo(201);
        String validKey = created.json().get("key").asString();

        String guesser = TestAddresses.unique();
        assertThat(whoamiFrom(guesser, "sk_" + "a".repeat(43)).status()).isEqualTo(401);
        assertThat(whoamiFrom(guesser, "sk_malformed").status()).isEqualTo(401);
        assertThat(whoamiFrom(guesser, "sk_" + "b".repeat(43)).status()).isEqualTo(401);

        AuthClient.Reply refused = whoamiFrom(guesser, "sk_" + "c".repeat(43));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.json().get("error").asString()).isEqualTo("too_many_attempts");
        assertThat(whoamiFrom(guesser, validKey).status()).as("even a valid key, while locked out").isEqualTo(429);

        assertThat(whoamiFrom(TestAddresses.unique(), validKey).status()).as("another address").isEqualTo(200);
        assertThat(whoamiFrom(TestAddresses.unique(), "sk_" + "d".repeat(43)).status()).as("another address").isEqualTo(401);
    }
}
