package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "parley.auth.signup=invite-only")
class InviteOnlySignupTest extends GatewayIntegrationTest {

    @Test
    void anUnknownAddressIsRefusedAndNothingIsCreated() {
        AuthClient client = new AuthClient(https());
        String email = AuthClient.uniqueEmail("uninvited");

        AuthClient.Reply reply = client.redeemJson(client.tokenFor(email));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("error").asString()).isEqualTo("signup_closed");
        assertThat(reply.json().get("message").asString()).contains("invite-only");
        assertThat(TestOperators.withEmail(email)).isZero();
    }

    @Test
    void anExistingOperatorStillLogsIn() {
        AuthClient client = new AuthClient(https());
        String email = AuthClient.uniqueEmail("invited");
        TestOperators.CommandRun created = TestOperators.createOwner("--email", email);
        assertThat(created.status()).as(created.err()).isZero();

        AuthClient.Reply reply = client.redeemJson(client.tokenFor(email));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(TestOperators.withEmail(email)).isEqualTo(1);
    }
}
