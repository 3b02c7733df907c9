package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.console.ConsolePage;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.TestBots;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Both sides in real browsers at once: a visitor in the widget on a customer's page, an agent in the
 * console in a second, separate browser; the agent takes over and each sees the other live.
 */
class WidgetAndConsoleTest extends WidgetBrowserTest {

    @Autowired
    ApplicationContext context;

    @Test
    void anAgentInTheConsoleTakesOverAVisitorInTheWidgetAndBothSeeEachOtherLive() {
        ApiClient.Session owner = new ApiClient(https(), context).newOwner("Grace");
        String key = TestBots.syntheticBrowserKeyIn(owner.workspace(), site.origin(), 10);
        try (Browser visitorBrowser = Browsers.open(CERTIFICATE.x509());
             Browser agentBrowser = ConsolePage.desktopBrowser(CERTIFICATE.x509(), httpsPort)) {
            WidgetPage widget = new WidgetPage(visitorBrowser).load(site.url(key));
            widget.clickLauncher().send("Where is my parcel?");
            widget.waitForTranscript("the bot's streamed answer",
                    c -> c.size() == 2 && c.get(1).is("bot") && !c.get(1).streaming() && !c.get(1).seq().isEmpty());
            String conversationId = widget.conversationId();

            ConsolePage console = new ConsolePage(agentBrowser).open();
            console.logInByMagicLink(owner.email());
            console.desk("Grace workspace");
            console.waitForInboxItem(conversationId, "tok").click();
            console.waitForMessage("Where is my parcel?");

            console.byId("takeover").click();
            widget.waitFor("the agent's name in the widget", page -> "Grace".equals(page.text(".name")));
            console.waitForEvent("Grace took over.");

            console.visible(By.id("reply")).sendKeys("Hello, I am Grace. Let me look.", Keys.ENTER);
            widget.waitForTranscript("the agent's message", c -> c.stream()
                    .anyMatch(b -> b.is("agent") && b.text().equals("Hello, I am Grace. Let me look.")));

            widget.send("Thank you, Grace");
            console.waitForMessage("Thank you, Grace");
            widget.waitForTranscript("the visitor's message acknowledged", c -> c.stream()
                    .anyMatch(b -> b.is("visitor") && b.text().equals("Thank you, Grace") && !b.seq().isEmpty()));

            visitorBrowser.screenshot("widget-with-console-agent");
            agentBrowser.screenshot("console-with-widget-visitor");
            widget.assertNoCspViolation();
            assertThat(console.policyViolations()).as("CSP or Trusted Types violations in the console").isEmpty();
        }
    }
}
