package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.session.RefreshSessions;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.widget.WidgetPage.Bubble;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A visitor chatting through the widget on a customer's page with a strict CSP, in real Chromium. */
class WidgetConversationTest extends WidgetBrowserTest {
    private static final String EMBED_QUESTION = "How do I embed the chat widget on my website?";

    @Autowired
    Operators operators;
    @Autowired
    Workspaces workspaces;
    @Autowired
    RefreshSessions sessions;

    @Test
    void aVisitorOnAStrictCspPageAsksAndSeesTheAnswerStreamIn() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key));
            widget.clickLauncher();
            assertThat(widget.text(".greeting")).isEqualTo("Hello from the test bot");
            assertThat(widget.text(".name")).isEqualTo("Test Bot");

            widget.send(EMBED_QUESTION);

            List<Bubble> streaming = widget.waitForTranscript("the answer to start streaming",
                    c -> c.size() == 2 && c.get(1).streaming() && !c.get(1).text().isEmpty());
            String partial = streaming.get(1).text();
            assertThat(widget.visible(".stop")).as("stop generating offered while it streams").isTrue();
            List<Bubble> done = widget.waitForTranscript("the answer to end",
                    c -> c.size() == 2 && !c.get(1).streaming() && !c.get(1).seq().isEmpty());
            assertThat(done.get(0).is("visitor")).isTrue();
            assertThat(done.get(0).text()).isEqualTo(EMBED_QUESTION);
            assertThat(done.get(0).seq()).isEqualTo("1");
            assertThat(done.get(1).is("bot")).isTrue();
            assertThat(done.get(1).seq()).isEqualTo("2");
            assertThat(done.get(1).text()).startsWith(partial).hasSizeGreaterThan(partial.length())
                    .isEqualTo(TestBots.textOf(widget.conversationId(), 2))
                    .contains("<script src=\"https://YOUR-PARLEY-HOST/widget.js\" data-key=\"pk_demo\" async></script>");
            assertThat(widget.visible(".stop")).isFalse();
            assertThat(widget.script("return document.querySelector('parley-chat').shadowRoot"
                    + ".querySelectorAll('script, img, iframe').length;")).as("markup in the answer made no element")
                    .isEqualTo(0L);
            widget.assertNoCspViolation();
            browser.screenshot("widget-conversation");
        }
    }

    @Test
    void markupAVisitorTypesShowsAsTextAndRunsNothing() {
        String key = TestBots.browserOnlyKey(site.origin());
        String attack = "<img src=x onerror=alert(1)>";
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key));
            widget.clickLauncher().send(attack);

            List<Bubble> shown = widget.waitForTranscript("the message to be answered",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(shown.get(0).text()).isEqualTo(attack);
            assertThat(widget.script("return document.querySelector('parley-chat').shadowRoot"
                    + ".querySelectorAll('img').length + document.querySelectorAll('img').length;")).isEqualTo(0L);
            assertThat(widget.host().get("alerts")).isEqualTo(0L);
            assertThat(TestBots.textOf(widget.conversationId(), 1)).isEqualTo(attack);
            widget.assertNoCspViolation();
        }
    }

    @Test
    void stopGeneratingCancelsTheReplyBeingStreamed() {
        String key = TestBots.syntheticBrowserKey(site.origin(), 400);
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key));
            widget.clickLauncher().send("Tell me everything");
            widget.waitForTranscript("the reply to stream", c -> c.size() == 2 && c.get(1).text().contains("tok3"));

            widget.element(".stop").click();

            List<Bubble> shown = widget.waitForTranscript("the reply to end",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(shown.get(1).note()).isEqualTo("Stopped.");
            assertThat(shown.get(1).text()).doesNotContain("tok399");
            assertThat(widget.visible(".stop")).isFalse();
            assertThat(TestBots.finishOf(widget.conversationId(), 2)).isEqualTo("cancelled");
            assertThat(TestBots.textOf(widget.conversationId(), 2)).isEqualTo(shown.get(1).text());
        }
    }

    @Test
    void onANarrowScreenThePanelFillsTheViewportAndEscapeClosesIt() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            browser.viewport(390, 844, true);
            WidgetPage widget = new WidgetPage(browser).load(site.url(key));
            @SuppressWarnings("unchecked")
            Map<String, Object> viewport = (Map<String, Object>) widget.script(
                    "return {width: window.innerWidth, height: window.innerHeight};");
            assertThat((Long) viewport.get("width")).isEqualTo(390L);

            widget.clickLauncher();
            @SuppressWarnings("unchecked")
            Map<String, Object> panel = (Map<String, Object>) widget.script("var b = document.querySelector('parley-chat')"
                    + ".shadowRoot.querySelector('.panel').getBoundingClientRect();"
                    + "return {left: b.left, top: b.top, width: b.width, height: b.height};");
            assertThat(((Number) panel.get("left")).longValue()).isZero();
            assertThat(((Number) panel.get("top")).longValue()).isZero();
            assertThat(((Number) panel.get("width")).longValue()).isEqualTo(viewport.get("width"));
            assertThat(((Number) panel.get("height")).longValue()).isEqualTo(viewport.get("height"));
            assertThat(widget.visible(".launcher")).as("the launcher hides behind the full-screen panel").isFalse();

            widget.send(EMBED_QUESTION);
            widget.waitForTranscript("the answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            browser.screenshot("widget-mobile");

            widget.element("textarea").sendKeys(Keys.ESCAPE);
            widget.waitFor("the panel to close", page -> !page.visible(".panel"));
            assertThat(widget.visible(".launcher")).isTrue();
            assertThat(focusedInWidget(widget)).contains("launcher");
            widget.assertNoCspViolation();
        }
    }

    @Test
    void anAgentTakesOverAndTheVisitorSeesTheirNameTypingAndMessages() {
        String key = TestBots.browserOnlyKey(site.origin());
        String agentToken = agentNamed("Ada");
        try (Browser browser = Browsers.open(CERTIFICATE.x509());
             AgentClient agent = new AgentClient(CERTIFICATE, httpsPort)) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key));

            // keyboard only: Tab reaches the launcher, Enter opens the panel with the focus in the message field
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            assertThat(focusedInWidget(widget)).contains("launcher");
            new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
            widget.waitFor("the panel to open", WidgetPage::panelOpen);
            assertThat(focusedInWidget(widget)).isEqualTo("TEXTAREA");

            widget.element(".human").click();
            widget.waitForTranscript("the handoff request", c -> c.size() == 1 && c.get(0).is("system"));
            assertThat(widget.conversation().get(0).text()).isEqualTo("You asked for a human. An agent will join soon.");
            assertThat(widget.visible(".human")).isFalse();
            String conversationId = widget.conversationId();
            assertThat(conversationId).startsWith("c_");

            agent.hello(agentToken);
            agent.frame("join", conversationId, ",\"lastSeq\":0");
            assertThat(agent.next("handoff").get("state").asString()).isEqualTo("requested");
            agent.frame("takeover", conversationId, "");
            widget.waitFor("the agent's name", page -> "Ada".equals(page.text(".name")));
            assertThat(widget.conversation().get(1).text()).isEqualTo("Ada joined the conversation.");

            widget.element("textarea").sendKeys("Hel");
            JsonNode typing = agent.next("typing");
            assertThat(typing.get("on").asBoolean()).isTrue();
            assertThat(typing.get("author").get("role").asString()).isEqualTo("visitor");
            agent.frame("typing", conversationId, ",\"on\":true");
            widget.waitFor("the agent typing", page -> "Ada is typing…".equals(page.text(".typing")));

            widget.element("textarea").sendKeys(Keys.ESCAPE);
            widget.waitFor("the panel to close", page -> !page.panelOpen());
            agent.frame("message", conversationId, ",\"clientMsgId\":\"ada-1\",\"text\":\"Hi, I am Ada. How can I help?\"");
            widget.waitFor("an unread badge", page -> "1".equals(page.text(".badge")));
            assertThat(widget.element(".launcher").getAttribute("aria-label")).isEqualTo("Open chat, 1 unread");
            assertThat(widget.text(".typing")).as("the message ends the typing indicator").isNull();

            widget.clickLauncher();
            assertThat(widget.visible(".badge")).isFalse();
            Bubble fromAda = widget.conversation().get(2);
            assertThat(fromAda.is("agent")).isTrue();
            assertThat(fromAda.author()).isEqualTo("Ada");
            assertThat(fromAda.text()).isEqualTo("Hi, I am Ada. How can I help?");

            widget.element("textarea").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
            widget.send("My teapot leaks");
            JsonNode fromVisitor = agent.nextMatching(f -> "message".equals(f.get("type").asString())
                    && "visitor".equals(f.get("author").get("role").asString()));
            assertThat(fromVisitor.get("text").asString()).isEqualTo("My teapot leaks");
            widget.waitForTranscript("the visitor's message acknowledged",
                    c -> c.size() == 4 && !c.get(3).seq().isEmpty());
            browser.screenshot("widget-agent");

            agent.frame("release", conversationId, "");
            widget.waitFor("the bot back", page -> "Test Bot".equals(page.text(".name")));
            assertThat(widget.conversation().get(4).text()).isEqualTo("Ada left the conversation. The bot answers again.");
            assertThat(widget.visible(".human")).isTrue();
            assertThat(hostEvents(widget, "handoff")).extracting(detail -> detail.get("state"))
                    .containsExactly("requested", "assigned", "released");
            widget.assertNoCspViolation();
        }
    }

    /** The focused element inside the widget: its class, or its tag when it has none; empty when outside. */
    private static String focusedInWidget(WidgetPage widget) {
        return (String) widget.script("var a = document.activeElement;"
                + "if (!a || a.tagName !== 'PARLEY-CHAT') return '';"
                + "var f = a.shadowRoot.activeElement; return f ? (f.className || f.tagName) : '';");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hostEvents(WidgetPage widget, String name) {
        return ((List<Map<String, Object>>) widget.host().get("events")).stream()
                .filter(event -> name.equals(event.get("name")))
                .map(event -> (Map<String, Object>) event.get("detail"))
                .toList();
    }

    /** An agent of the demo workspace (where the test bots live) with a display name, signed in. */
    private String agentNamed(String name) {
        String email = "agent-" + UUID.randomUUID().toString().substring(0, 8) + "@parley.test";
        Operator operator = operators.findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, name)
                .block(TIMEOUT);
        workspaces.grant(operator.id(), new WorkspaceId("w_demo"), Role.AGENT).block(TIMEOUT);
        return sessions.start(operators.find(operator.id()).block(TIMEOUT)).block(TIMEOUT).accessToken();
    }
}
