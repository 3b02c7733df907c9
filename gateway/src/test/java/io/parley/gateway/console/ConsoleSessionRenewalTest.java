package io.parley.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Access tokens of 65 s, so the console renews its token (and its socket) every few seconds: two tabs
 * of one browser share the refresh cookie and must never present the same refresh token twice (which
 * would revoke the session), and the conversation stays live across the renewals.
 */
@TestPropertySource(properties = "parley.auth.access-token-lifetime=65s")
class ConsoleSessionRenewalTest extends GatewayIntegrationTest {

    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void browserInstalled() {
        Browsers.requireInstalled();
    }

    @Test
    void twoTabsRenewTheirTokensWithoutRevokingTheSessionAndTheConversationStaysLive() {
        ApiClient.Session owner = new ApiClient(https(), context).newOwner("console-renewal");
        String key = TestBots.syntheticKeyIn(owner.workspace(), 3);
        try (Browser browser = ConsolePage.desktopBrowser(CERTIFICATE.x509(), httpsPort)) {
            ConsolePage console = new ConsolePage(browser).open();
            console.logInByMagicLink(owner.email());
            console.desk("console-renewal workspace");
            String firstTab = browser.driver().getWindowHandle();
            browser.driver().switchTo().newWindow(WindowType.TAB);
            console.open().desk("console-renewal workspace");
            long usedBefore = usedRefreshTokens(owner.operatorId());

            // each tab renews about every 5 s (60 s before its token's end)
            await().atMost(Duration.ofSeconds(60)).until(() -> usedRefreshTokens(owner.operatorId()) >= usedBefore + 6);
            assertThat(AdminData.count("SELECT count(*) FROM refresh_token_families WHERE operator_id = ? "
                    + "AND revoked_at IS NOT NULL", owner.operatorId())).as("no refresh token was used twice").isZero();

            browser.driver().switchTo().window(firstTab);
            try (Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key)) {
                visitor.hello();
                String conversationId = visitor.say("v1", "Still there?").get("conversationId").asString();
                visitor.next("reply.end");
                console.waiting().until(driver -> {
                    driver.findElement(console.inboxItem(conversationId)).click();
                    return true;
                });
                console.waitForMessage("Still there?");
                console.visible(By.id("takeover")).click();
                console.visible(By.id("reply")).sendKeys("Yes, still here\n");
                JsonNode reply = visitor.nextMatching(n -> "message".equals(n.get("type").asString())
                        && "agent".equals(n.get("author").get("role").asString()));
                assertThat(reply.get("text").asString()).isEqualTo("Yes, still here");

                visitor.say("v2", "Great");
                console.waitForMessage("Great");
                assertThat(console.logTexts().stream().filter(line -> line.endsWith("Still there?"))).hasSize(1);
                assertThat(console.logTexts().stream().filter(line -> line.endsWith("Yes, still here"))).hasSize(1);
            }
            assertThat(console.policyViolations()).as("CSP or Trusted Types violations").isEmpty();
        }
    }

    private static long usedRefreshTokens(String operatorId) {
        return AdminData.count("SELECT count(*) FROM refresh_tokens WHERE operator_id = ? AND used_at IS NOT NULL",
                operatorId);
    }
}
