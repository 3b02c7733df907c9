package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.widget.WidgetPage.Bubble;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The widget on a flaky network, in real Chromium: sockets cut while a message waits for its ack and while
 * a reply streams, a socket that silently stops delivering, a reload with a message still unacknowledged.
 * After recovery every message appears exactly once, on screen and in the database.
 */
class WidgetReliabilityTest extends WidgetBrowserTest {

    @Test
    void aMessageWhoseAckIsLostIsSentAgainWithTheSameIdAndShownOnce() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)).clickLauncher());
            String conversationId = widget.conversationId();

            network.freezeDownstream();
            widget.send("Is the teapot dishwasher safe?");
            String clientMsgId = pendingClientMsgId(widget, key);
            awaitStored(conversationId, 3);
            assertThat(widget.conversation().get(2).is("pending")).as("stored, but its ack never arrived").isTrue();

            network.cut();

            List<Bubble> shown = widget.waitForTranscript("both answers, nothing pending", this::twoExchangesDone);
            assertThat(shown).extracting(Bubble::seq).containsExactly("1", "2", "3", "4");
            assertThat(shown.get(2).text()).isEqualTo("Is the teapot dishwasher safe?");
            assertThat(TestBots.countClientMessages(conversationId, clientMsgId)).isEqualTo(1);
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L, 3L, 4L);
            assertThat(outbox(widget, key)).isEqualTo("[]");
            widget.assertNoCspViolation();
        }
    }

    @Test
    void aSocketThatSilentlyStopsDeliveringIsReplacedAndTheMessageGoesThrough() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)).clickLauncher());
            String conversationId = widget.conversationId();

            network.freezeDownstream(); // no close, no error: only silence, as on a dead mobile link
            widget.send("Hello?");

            List<Bubble> shown = widget.waitForTranscript("the silent socket replaced", this::twoExchangesDone);
            assertThat(shown).extracting(Bubble::seq).containsExactly("1", "2", "3", "4");
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aReplyCutMidStreamThatEndsDuringTheOutageIsShownOnceAndAMessageSentOfflineGoesOnce() {
        String key = TestBots.syntheticBrowserKey(site.origin(), 60);
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key)).clickLauncher();
            widget.send("Stream something");
            widget.waitForTranscript("the reply streaming", c -> c.size() == 2 && c.get(1).text().contains("tok5 "));
            String conversationId = widget.conversationId();

            network.refuseNew(true);
            network.cut();
            widget.waitFor("the widget to notice", page -> page.visible(".status"));
            widget.send("Are you still there?");
            assertThat(widget.conversation().get(2).is("pending")).isTrue();
            awaitStored(conversationId, 2); // the reply ended while the visitor was away
            network.refuseNew(false);

            List<Bubble> shown = widget.waitForTranscript("the reply and the offline message, once each",
                    c -> c.size() == 4 && c.stream().noneMatch(b -> b.seq().isEmpty() || b.streaming()));
            assertThat(shown).extracting(Bubble::text)
                    .containsExactly("Stream something", tokens(60), "Are you still there?", tokens(60));
            assertThat(shown).extracting(Bubble::seq).containsExactly("1", "2", "3", "4");
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L, 3L, 4L);
            assertThat(widget.visible(".status")).isFalse();
            widget.assertNoCspViolation();
        }
    }

    @Test
    void aReplyCutMidStreamAndStillStreamingCarriesOnWithoutRepeatingAWord() {
        String key = TestBots.syntheticBrowserKey(site.origin(), 200);
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser).load(site.url(key)).clickLauncher();
            widget.send("Stream a lot");
            widget.waitForTranscript("the reply streaming", c -> c.size() == 2 && c.get(1).text().contains("tok5 "));
            String conversationId = widget.conversationId();

            network.cut();
            widget.waitFor("the reply to stream on after the reconnect", page -> {
                List<Bubble> c = page.conversation();
                return c.size() == 2 && c.get(1).streaming() && TestBots.seqs(conversationId).size() == 1
                        && Boolean.TRUE.equals(page.state().get("connected"));
            });

            List<Bubble> shown = widget.waitForTranscript("the reply to end",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(shown.get(1).text()).isEqualTo(tokens(200)).isEqualTo(TestBots.textOf(conversationId, 2));
            assertThat(TestBots.finishOf(conversationId, 2)).isEqualTo("stop");
        }
    }

    @Test
    void aReloadKeepsTheConversationAndSendsTheUnacknowledgedMessageOnce() {
        String key = TestBots.browserOnlyKey(site.origin());
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = answeredOnce(new WidgetPage(browser).load(site.url(key)).clickLauncher());
            String conversationId = widget.conversationId();
            Object visitorId = widget.state().get("visitorId");

            network.freezeDownstream();
            widget.send("Do you ship to Norway?");
            String clientMsgId = pendingClientMsgId(widget, key);

            widget.reload();

            assertThat(widget.state().get("visitorId")).isEqualTo(visitorId);
            assertThat(widget.conversationId()).isEqualTo(conversationId);
            assertThat(widget.panelOpen()).as("open as it was, on the next page of the site").isTrue();
            List<Bubble> shown = widget.waitForTranscript("the conversation after the reload", this::twoExchangesDone);
            assertThat(shown).extracting(Bubble::text).element(2).isEqualTo("Do you ship to Norway?");
            assertThat(shown).extracting(Bubble::seq).containsExactly("1", "2", "3", "4");
            assertThat(TestBots.countClientMessages(conversationId, clientMsgId)).isEqualTo(1);
            assertThat(widget.text(".greeting")).isEqualTo("Hello from the test bot");

            widget.reload();
            assertThat(widget.waitForTranscript("the same conversation again", this::twoExchangesDone))
                    .isEqualTo(shown);
            widget.assertNoCspViolation();
        }
    }

    /** Sends a first question and waits for its answer, so the widget has a conversation to resume. */
    private static WidgetPage answeredOnce(WidgetPage widget) {
        widget.send("What is Parley?");
        widget.waitForTranscript("the first answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
        return widget;
    }

    private boolean twoExchangesDone(List<Bubble> conversation) {
        return conversation.size() == 4
                && conversation.stream().noneMatch(b -> b.seq().isEmpty() || b.streaming() || b.is("pending"));
    }

    /** The clientMsgId of the one message waiting in the widget's outbox in localStorage. */
    private static String pendingClientMsgId(WidgetPage widget, String key) {
        widget.waitFor("the message in the outbox", page -> outbox(page, key).contains("\"id\""));
        return (String) widget.script("return JSON.parse(localStorage.getItem(arguments[0])).outbox[0].id;",
                "parley.v1." + key);
    }

    private static String outbox(WidgetPage widget, String key) {
        return (String) widget.script("return JSON.stringify(JSON.parse(localStorage.getItem(arguments[0])).outbox);",
                "parley.v1." + key);
    }

    private static void awaitStored(String conversationId, int events) {
        org.awaitility.Awaitility.await().atMost(WidgetPage.WAIT)
                .until(() -> TestBots.seqs(conversationId).size() >= events);
    }

    /** The synthetic bot's answer of {@code n} tokens. */
    private static String tokens(int n) {
        return IntStream.range(0, n).mapToObj(i -> "tok" + i).collect(Collectors.joining(" "));
    }
}
