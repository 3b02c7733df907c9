package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestAddresses;
import io.parley.gateway.testing.TestClients;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** Magic-link endpoints under attack: clients told apart by X-Forwarded-For from the trusted loopback proxy. */
@TestPropertySource(properties = {
        "parley.auth.throttle.magic-link-redeem-failures.permits=3",
        "parley.auth.throttle.magic-link-redeem-failures.lockout=2s",
        "parley.auth.throttle.magic-link-requests.per-address=5",
        "parley.auth.throttle.global.permits=200"})
@Import(ExtraNodes.OwnEventLoops.class)
class MagicLinkThrottleTest extends GatewayIntegrationTest {
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    private AuthClient.Reply requestLinkFrom(String address, String email) {
        return client.post("/api/v1/auth/magic-links", "application/json", "{\"email\":\"" + email + "\"}",
                h -> h.set("X-Forwarded-For", address));
    }

    private AuthClient.Reply redeemFrom(String address, String token) {
        return client.post("/api/v1/auth/magic-links/redeem", "application/json", "{\"token\":\"" + token + "\"}",
                h -> h.set("X-Forwarded-For", address));
    }

    @Test
    void linkRequestsForOneAddressFromManyClientsStopAtTheAddressLimit() {
        String email = AuthClient.uniqueEmail("target");
        int accepted = 0;
        AuthClient.Reply last = null;
        for (int i = 0; i < 50; i++) {
            last = requestLinkFrom(TestAddresses.unique(), email);
            if (last.status() == 202) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(5);
        assertThat(last.status()).isEqualTo(429);
        assertThat(Long.parseLong(last.header("Retry-After"))).isPositive();
        assertThat(last.json().get("error").asString()).isEqualTo("too_many_attempts");
        assertThat(AuthClient.linksTo(email)).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void oneClientsRefusedRequestsDoNotUseUpTheGlobalCeiling() {
        String flooder = TestAddresses.unique();
        // other test classes of this JVM count toward the global ceiling too: 250 is well past it alone
        for (int i = 0; i < 250; i++) {
            requestLinkFrom(flooder, AuthClient.uniqueEmail("flood"));
        }
        assertThat(requestLinkFrom(flooder, AuthClient.uniqueEmail("flood")).status()).isEqualTo(429);
        assertThat(requestLinkFrom(TestAddresses.unique(), AuthClient.uniqueEmail("bystander")).status()).isEqualTo(202);
    }

    @Test
    void aliasesOfOneMailboxShareItsLimit() {
        String mailbox = AuthClient.uniqueEmail("ann");
        String local = mailbox.substring(0, mailbox.indexOf('@'));
        String domain = mailbox.substring(mailbox.indexOf('@'));
        for (int i = 0; i < 5; i++) {
            assertThat(requestLinkFrom(TestAddresses.unique(), local + "+" + i + domain).status()).isEqualTo(202);
        }
        assertThat(requestLinkFrom(TestAddresses.unique(), local + "+other" + domain).status()).isEqualTo(429);
    }

    @Test
    void guessingLinksLocksTheClientOutForLongerEachTime() {
        String address = TestAddresses.unique();
        for (int i = 0; i < 3; i++) {
            assertThat(redeemFrom(address, randomToken()).status()).isEqualTo(400);
        }
        AuthClient.Reply locked = redeemFrom(address, randomToken());
        assertThat(locked.status()).isEqualTo(429);
        long first = Long.parseLong(locked.header("Retry-After"));
        assertThat(first).isBetween(1L, 2L);
        assertThat(redeemFrom(TestAddresses.unique(), randomToken()).status()).as("another client").isEqualTo(400);
        assertThat(AuthAuditTest.failuresFrom(address)).contains("locked.out");

        await().atMost(Duration.ofSeconds(5)).until(() -> redeemFrom(address, randomToken()).status() != 429);
        for (int i = 0; i < 3; i++) {
            redeemFrom(address, randomToken());
        }
        AuthClient.Reply lockedAgain = redeemFrom(address, randomToken());
        assertThat(lockedAgain.status()).isEqualTo(429);
        assertThat(Long.parseLong(lockedAgain.header("Retry-After"))).isGreaterThan(first);
    }

    @Test
    void guessingSplitAcrossTwoGatewayNodesIsLimitedInTotal() {
        ConfigurableApplicationContext otherNode = ExtraNodes.start(Map.of(
                "parley.auth.throttle.magic-link-redeem-failures.permits", "3",
                "parley.auth.throttle.magic-link-redeem-failures.lockout", "2s"));
        try {
            AuthClient onOther = new AuthClient(TestClients.https(CERTIFICATE, ExtraNodes.httpsPort(otherNode)));
            String address = TestAddresses.unique();
            assertThat(redeemFrom(address, randomToken()).status()).isEqualTo(400);
            assertThat(onOther.post("/api/v1/auth/magic-links/redeem", "application/json",
                    "{\"token\":\"" + randomToken() + "\"}", h -> h.set("X-Forwarded-For", address)).status())
                    .isEqualTo(400);
            assertThat(redeemFrom(address, randomToken()).status()).isEqualTo(400);
            assertThat(onOther.post("/api/v1/auth/magic-links/redeem", "application/json",
                    "{\"token\":\"" + randomToken() + "\"}", h -> h.set("X-Forwarded-For", address)).status())
                    .as("the fourth try, on the other node").isEqualTo(429);
        } finally {
            otherNode.close();
        }
    }

    private static String randomToken() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 43);
    }
}
