package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.widget.WidgetPage.Bubble;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** How the widget answers the server's close codes, each provoked for real: it ends up chatting again. */
class WidgetCloseCodesTest extends WidgetBrowserTest {

    @Test
    void aVisitorTokenThatNoLongerVerifiesMakesANewVisitor4401() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)));
            Object oldVisitor = widget.state().get("visitorId");

            stored(widget, key, "visitorToken", "v1.expired-or-forged");
            widget.reload();

            assertThat(closeCodes(widget)).contains(4401L);
            assertThat(widget.state().get("visitorId")).isNotEqualTo(oldVisitor);
            assertThat(widget.conversation()).isEmpty();
            assertThat(widget.conversationId()).isNull();
        }
    }

    @Test
    void aConversationThatIsNotTheVisitorsIsDroppedAndTheirOwnComesBack4403() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)));
            String conversationId = widget.conversationId();
            Object visitor = widget.state().get("visitorId");

            stored(widget, key, "conversationId", "c_AAAAAAAAAAAAAAAAAAAAAA");
            widget.reload();

            List<Bubble> shown = widget.waitForTranscript("the visitor's own conversation",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(closeCodes(widget)).contains(4403L);
            assertThat(widget.conversationId()).isEqualTo(conversationId);
            assertThat(widget.state().get("visitorId")).isEqualTo(visitor);
            assertThat(shown).extracting(Bubble::text).element(0).isEqualTo("What is Parley?");
        }
    }

    @Test
    void aBurstOverTheMessageLimitIsClosed4429AndEveryMessageStillArrivesOnce() {
        String key = TestBots.syntheticBrowserKey(site.origin(), 2);
        AdminData.execute("UPDATE bots SET messages_per_visitor_permits = 5, messages_per_visitor_window_ms = 1000"
                + " WHERE id = (SELECT bot_id FROM widget_keys WHERE key = ?)", key);
        List<String> texts = IntStream.rangeClosed(1, 18).mapToObj(i -> "message " + i).toList();
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key)).clickLauncher();
            widget.send("hello");
            widget.waitForTranscript("the first answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            String conversationId = widget.conversationId();

            network.refuseNew(true);
            network.cut();
            texts.forEach(widget::send); // all in the outbox: sent at once when the network is back
            network.refuseNew(false);

            widget.waitFor("every message acknowledged", page -> page.conversation().stream()
                    .filter(b -> b.is("visitor")).filter(b -> !b.seq().isEmpty()).count() == 19);
            assertThat(closeCodes(widget)).contains(4429L);
            for (String text : texts) {
                assertThat(TestBots.seqs(conversationId).stream()
                        .filter(seq -> TestBots.textOf(conversationId, seq).equals(text)).count()).as(text).isEqualTo(1);
                assertThat(widget.conversation().stream().filter(b -> b.text().equals(text)).count()).as(text)
                        .isEqualTo(1);
            }
            assertThat(widget.conversation()).noneMatch(b -> b.is("pending") || b.is("failed"));
        }
    }

    @Test
    void aNodeThatStopsSendsTheWidgetToAnotherNodeAtOnce1012() {
        String key = TestBots.browserOnlyKey(site.origin());
        ConfigurableApplicationContext node = ExtraNodes.start(Map.of("parley.ws.drain-deadline", "1s"));
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            network.target(ExtraNodes.httpsPort(node));
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)));

            network.target(httpsPort); // the load balancer takes the stopping node out
            node.close();

            widget.waitFor("the widget back on the other node", page -> closeCodes(page).contains(1012L)
                    && Boolean.TRUE.equals(page.state().get("connected")));
            long closedAt = eventTime(widget, "offline");
            long backAt = eventTime(widget, "online");
            assertThat(backAt - closedAt).as("reconnected without a backoff (ms)").isLessThan(5000);
            widget.send("Still there?");
            List<Bubble> shown = widget.waitForTranscript("the answer from the other node",
                    c -> c.size() == 4 && c.stream().noneMatch(b -> b.seq().isEmpty()));
            assertThat(shown).extracting(Bubble::seq).containsExactly("1", "2", "3", "4");
        } finally {
            node.close();
        }
    }

    private static WidgetPage answeredOnce(WidgetPage widget) {
        widget.clickLauncher().send("What is Parley?");
        widget.waitForTranscript("the first answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
        return widget;
    }

    /** Changes one field of what the widget keeps in localStorage, as time or another site's data would. */
    private static void stored(WidgetPage widget, String key, String field, String value) {
        widget.script("var k = arguments[0], s = JSON.parse(localStorage.getItem(k)); s[arguments[1]] = arguments[2];"
                + "localStorage.setItem(k, JSON.stringify(s));", "parley.v1." + key, field, value);
    }

    /** The close codes the widget reported to the page ({@code parley:connection} events). */
    @SuppressWarnings("unchecked")
    private static List<Long> closeCodes(WidgetPage widget) {
        return ((List<Map<String, Object>>) widget.host().get("events")).stream()
                .filter(event -> "connection".equals(event.get("name")))
                .map(event -> (Map<String, Object>) event.get("detail"))
                .filter(detail -> detail.get("code") != null)
                .map(detail -> ((Number) detail.get("code")).longValue())
                .toList();
    }

    /** When the last connection event of {@code state} happened (ms since the epoch, the browser's clock). */
    @SuppressWarnings("unchecked")
    private static long eventTime(WidgetPage widget, String state) {
        return ((List<Map<String, Object>>) widget.host().get("events")).stream()
                .filter(event -> "connection".equals(event.get("name")))
                .filter(event -> state.equals(((Map<String, Object>) event.get("detail")).get("state")))
                .map(event -> ((Number) event.get("at")).longValue())
                .reduce((first, second) -> second)
                .orElseThrow();
    }
}
