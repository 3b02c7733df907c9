package io.parley.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.model.Role;
import io.parley.gateway.api.PersonalData;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The agent console in headless Chromium against the whole gateway over TLS: operators log in through
 * the real magic-link e-mail (GreenMail), a visitor is driven from Java over {@code /ws/visitor}.
 */
class ConsoleBrowserTest extends GatewayIntegrationTest {

    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void browserInstalled() {
        Browsers.requireInstalled();
    }

    @Test
    void anAgentLogsInByMagicLinkTakesOverAVisitorsConversationAndBothSeeEachOtherLive() {
        ApiClient.Session owner = new ApiClient(https(), context).newOwner("console-agent");
        // 30 tokens at 20 a second: a reply streams for about 1.5 s
        String key = TestBots.syntheticKeyIn(owner.workspace(), 30);
        try (Browser browser = ConsolePage.desktopBrowser(CERTIFICATE.x509(), httpsPort)) {
            ConsolePage console = new ConsolePage(browser).open();
            console.loginForm();
            assertThat(browser.driver().findElements(By.cssSelector("#oidc a")))
                    .as("this server configures no OIDC provider, so none is offered").isEmpty();

            console.logInByMagicLink(owner.email());
            console.desk("console-agent workspace");
            assertThat(console.byId("role").getDomProperty("textContent")).isEqualTo("owner");
            try (Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key)) {
                talk(console, visitor);
            }

            assertThat(console.policyViolations()).as("CSP or Trusted Types violations").isEmpty();
            console.byId("logout").click();
            console.loginForm();
            assertThat(browser.driver().manage().getCookieNamed("__Host-parley-refresh")).isNull();
            browser.driver().navigate().refresh();
            console.loginForm();
            assertThat(console.byId("desk").isDisplayed()).as("still logged out after a reload").isFalse();
        }
    }

    /** The visitor asks, the bot answers, the agent takes over; messages and typing both ways; release; leave. */
    private void talk(ConsolePage console, Visitor visitor) {
        Browser browser = console.browser();
        visitor.hello();
        String conversationId = visitor.say("v1", "Where is my parcel?").get("conversationId").asString();
        visitor.next("reply.end");
        console.waitForInboxItem(conversationId, "Test Bot: tok").click();
        console.waitForMessage("Where is my parcel?");

        visitor.say("v2", "Is anyone there?");
        String streamedText = replyText(visitor);
        WebElement streamed = console.waiting().until(driver -> driver.findElements(
                By.cssSelector("#log > li.from-bot[data-finish='stop']")).stream().findFirst().orElse(null));
        assertThat(streamed.findElement(By.cssSelector(".text")).getText()).isEqualTo(streamedText.strip());
        assertThat(Integer.parseInt(streamed.getDomAttribute("data-deltas")))
                .as("the reply was drawn piece by piece as it streamed").isGreaterThan(1);

        console.byId("takeover").click();
        JsonNode assigned = visitor.nextMatching(handoff("assigned"));
        assertThat(assigned.get("agent").get("name").asString()).isEqualTo("console-agent");
        console.waitForEvent("console-agent took over.");
        WebElement reply = console.visible(By.id("reply"));
        assertThat(console.byId("takeover").isDisplayed()).isFalse();
        assertThat(console.byId("release").isDisplayed()).isTrue();

        reply.sendKeys("Hello, I am on it");
        JsonNode typing = visitor.nextMatching(n -> "typing".equals(n.get("type").asString()) && n.get("on").asBoolean());
        assertThat(typing.get("author").get("role").asString()).isEqualTo("agent");
        reply.sendKeys(Keys.ENTER);
        JsonNode agentMessage = visitor.nextMatching(n -> "message".equals(n.get("type").asString())
                && "agent".equals(n.get("author").get("role").asString()));
        assertThat(agentMessage.get("text").asString()).isEqualTo("Hello, I am on it");
        assertThat(agentMessage.get("author").get("name").asString()).isEqualTo("console-agent");
        WebElement sent = console.waitForMessage("Hello, I am on it");
        console.waiting().until(driver -> sent.getDomAttribute("data-seq") != null);
        assertThat(sent.getDomAttribute("data-seq")).isEqualTo(agentMessage.get("seq").asString());

        visitor.typing(true);
        console.waiting().until(driver -> console.byId("typing").getText().equals("The visitor is typing…"));
        String hostile = "<img src=x onerror=alert(1)>";
        visitor.say("v3", hostile);
        console.waitForMessage(hostile);
        console.waitForInboxItem(conversationId, "Visitor: " + hostile);
        assertThat(browser.driver().findElements(By.tagName("img"))).as("the message stays text").isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        browser.screenshot("console-agent");

        console.byId("release").click();
        visitor.nextMatching(handoff("released"));
        console.waitForEvent("console-agent handed the conversation back to the bot.");
        console.visible(By.id("takeover"));
        assertThat(positions(console.logTexts(), "Where is my parcel?", "Is anyone there?",
                "console-agent took over.", "Hello, I am on it", hostile,
                "console-agent handed the conversation back to the bot."))
                .as("each event once, in order").isSorted().doesNotHaveDuplicates();

        console.byId("leave").click();
        console.waiting().until(driver -> !console.byId("conversation").isDisplayed());
        visitor.say("v4", "One more thing");
        console.waitForInboxItem(conversationId, "Visitor: One more thing");
        assertThat(browser.driver().findElements(By.xpath("//ol[@id='log']/li[contains(., 'One more thing')]")))
                .as("a conversation left is no longer followed").isEmpty();
    }

    @Test
    void aViewerSeesMaskedPersonalDataAndNoTakeOverAndWorksByKeyboardOnAPhone() {
        ApiClient api = new ApiClient(https(), context);
        ApiClient.Session owner = api.newOwner("console-owner");
        ApiClient.Session viewer = api.member(owner.workspace(), Role.VIEWER);
        String key = TestBots.syntheticKeyIn(owner.workspace(), 5);
        AdminData.Person person = AdminData.Person.unique();
        try (Browser browser = Browsers.openAt(CERTIFICATE.x509(), ConsolePage.HOST, httpsPort, 390, 844);
             Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key)) {
            String visitorId = visitor.hello();
            AdminData.personalData(visitorId, person);
            String conversationId = visitor.say("v1", "I need help with my order").get("conversationId").asString();
            visitor.next("reply.end");

            browser.viewport(390, 844, true);
            ConsolePage console = new ConsolePage(browser).open();
            assertThat(console.script("return window.innerWidth")).isEqualTo(390L);
            console.logInByMagicLink(viewer.email());
            console.desk("console-owner workspace");
            assertThat(console.byId("role").getDomProperty("textContent")).isEqualTo("viewer");
            assertThat(console.byId("viewer-note").isDisplayed()).isTrue();

            String maskedName = PersonalData.name(person.name(), false);
            WebElement item = console.waitForInboxItem(conversationId, maskedName);
            item.sendKeys(Keys.ENTER);
            console.waitForMessage("I need help with my order");
            assertThat(console.byId("inbox").isDisplayed()).as("one pane at a time on a phone").isFalse();
            assertThat(console.byId("conversation-title").getText()).isEqualTo(maskedName);
            assertThat(console.byId("conversation-meta").getText()).contains(PersonalData.email(person.email(), false));
            assertThat(console.byId("takeover").isDisplayed()).as("a viewer may not take over").isFalse();
            assertThat(console.byId("release").isDisplayed()).isFalse();
            assertThat(console.byId("composer").isDisplayed()).as("nor reply").isFalse();
            assertThat(console.byId("composer-hint").getText()).isEqualTo("Viewers can read conversations but not reply.");
            assertThat(browser.driver().getPageSource()).doesNotContain(person.name(), person.email(), person.phone());
            assertThat(console.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("nothing wider than the phone").isEqualTo(true);
            browser.screenshot("console-viewer");

            console.byId("conversation-title").sendKeys(Keys.ESCAPE);
            console.waiting().until(driver -> console.byId("inbox").isDisplayed());
            assertThat(browser.driver().switchTo().activeElement().getDomAttribute("data-conversation-id"))
                    .as("focus returns to the conversation in the inbox").isEqualTo(conversationId);
            assertThat(console.policyViolations()).as("CSP or Trusted Types violations").isEmpty();
        }
    }

    /** Where each text is in the log; fails when one is missing or there more than once. */
    private static List<Integer> positions(List<String> log, String... texts) {
        return java.util.Arrays.stream(texts).map(text -> {
            List<Integer> at = java.util.stream.IntStream.range(0, log.size())
                    .filter(i -> log.get(i).endsWith(text)).boxed().toList();
            assertThat(at).as("entries ending with " + text + " in " + log).hasSize(1);
            return at.get(0);
        }).toList();
    }

    /** The text of the next bot reply the visitor sees streamed, from reply.start to reply.end. */
    private static String replyText(Visitor visitor) {
        String messageId = visitor.next("reply.start").get("messageId").asString();
        StringBuilder text = new StringBuilder();
        while (true) {
            JsonNode frame = visitor.nextMatching(n -> messageId.equals(n.path("messageId").asString(""))
                    && n.get("type").asString().startsWith("reply."));
            if ("reply.end".equals(frame.get("type").asString())) {
                return text.toString();
            }
            text.append(frame.get("text").asString());
        }
    }

    private static Predicate<JsonNode> handoff(String state) {
        return n -> "handoff".equals(n.get("type").asString()) && state.equals(n.get("state").asString());
    }
}
