package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

@ExtendWith(OutputCaptureExtension.class)
class CreateOwnerCommandTest extends GatewayIntegrationTest {

    @Test
    void printsASingleUseLoginLinkForANewOwnerAndTheirWorkspace(CapturedOutput logs) {
        String email = AuthClient.uniqueEmail("owner");
        TestOperators.CommandRun run = TestOperators.createOwner("--email", email, "--workspace", "Acme Support");
        assertThat(run.status()).as(run.err()).isZero();

        Matcher link = AuthClient.LINK.matcher(run.out());
        assertThat(link.find()).as(run.out()).isTrue();
        String token = link.group(1);
        assertThat(logs.getAll()).as("the link is printed, never logged").doesNotContain(token);

        AuthClient client = new AuthClient(https());
        AuthClient.Reply session = client.redeemJson(token);
        assertThat(session.status()).isEqualTo(200);
        JsonNode me = client.me(session.json().get("accessToken").asString()).json();
        assertThat(me.get("memberships")).hasSize(1);
        assertThat(me.get("memberships").get(0).get("workspaceName").asString()).isEqualTo("Acme Support");
        assertThat(me.get("memberships").get(0).get("role").asString()).isEqualTo("owner");
        assertThat(client.redeemJson(token).status()).as("single use").isEqualTo(400);
    }

    @Test
    void refusesAMissingOrMalformedAddress() {
        assertThat(TestOperators.createOwner().status()).isEqualTo(2);
        assertThat(TestOperators.createOwner("--email", "nope").status()).isEqualTo(2);
    }
}
