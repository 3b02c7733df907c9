package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * A node that stops drains: it refuses new sockets, lets its replies finish until the drain deadline
 * while their visitors stay connected, hands the unfinished ones over to the other nodes (here the test's
 * node), then closes its sockets with 1012.
 */
@Import(ExtraNodes.OwnEventLoops.class)
class GracefulDrainEndToEndTest extends GatewayIntegrationTest {

    @Test
    void aReplyThatFinishesBeforeTheDeadlineIsDeliveredWholeAndThenTheSocketClosesWith1012() {
        String key = TestBots.syntheticKey(); // 40 tokens at 20 a second
        ConfigurableApplicationContext node = ExtraNodes.start(Map.of("parley.ws.drain-deadline", "10s"));
        int port = ExtraNodes.httpsPort(node);
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, port, key, null)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"q\",\"text\":\"go\"}");
            String conversationId = socket.next("ack").get("conversationId").asString();
            socket.next("reply.delta");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(node::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> refusesNewSockets(port, key));

            JsonNode end = socket.next("reply.end");
            assertThat(end.get("finish").asString()).isEqualTo("stop");
            assertThat(socket.closeStatus().code()).isEqualTo(1012);
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
            assertThat(TestBots.finishOf(conversationId, 2)).isEqualTo("stop");
            assertThat(TestBots.textOf(conversationId, 2).split(" ")).hasSizeGreaterThanOrEqualTo(40);
            stopping.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        } finally {
            node.close();
        }
    }

    @Test
    void aReplyStillStreamingAtTheDeadlineIsHandedOverEndedInterruptedAndAnsweredOnceMore() {
        String key = TestBots.syntheticKey();
        setSyntheticPace(key, 400, 10);
        ConfigurableApplicationContext node = ExtraNodes.start(Map.of("parley.ws.drain-deadline", "500ms"));
        int port = ExtraNodes.httpsPort(node);
        String conversationId;
        String visitorToken;
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, port, key, null)) {
            visitorToken = socket.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"q\",\"text\":\"go\"}");
            conversationId = socket.next("ack").get("conversationId").asString();
            socket.next("reply.delta");
            // the answer given again is short; the reply already streaming keeps the pace it started with
            setSyntheticPace(key, 5, 50);

            CompletableFuture.runAsync(node::close);
            assertThat(socket.closeStatus().code()).isEqualTo(1012);
        } finally {
            node.close();
        }

        try (VisitorSocket resumed = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            resumed.hello("{\"type\":\"hello\",\"visitorToken\":\"" + visitorToken + "\",\"conversationId\":\""
                    + conversationId + "\",\"lastSeq\":1}").next("welcome");
            // the survivor ends the reply and answers again before or after this resume: its stored events
            // come replayed (message) or live (reply.end), each once
            List<Long> stored = new ArrayList<>();
            while (stored.isEmpty() || stored.get(stored.size() - 1) < 3) {
                JsonNode frame = resumed.nextMatching(f -> f.has("seq")
                        && List.of("message", "reply.end").contains(f.get("type").asString()));
                stored.add(frame.get("seq").asLong());
            }
            assertThat(stored).containsExactly(2L, 3L);
        }
        assertThat(TestBots.finishOf(conversationId, 2)).isEqualTo("interrupted");
        assertThat(TestBots.finishOf(conversationId, 3)).isEqualTo("stop");
        assertThat(TestBots.textOf(conversationId, 2)).isNotEmpty();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> TestBots.seqs(conversationId).size() == 3);
    }

    /** A socket opened now is closed at once with 1012 (one still accepted stays open: false). */
    private static boolean refusesNewSockets(int port, String key) {
        try (VisitorSocket late = VisitorSocket.open(CERTIFICATE, port, key, null)) {
            return late.closeStatus(Duration.ofMillis(500)).code() == 1012;
        } catch (RuntimeException | AssertionError stillOpen) {
            return false;
        }
    }

    private static void setSyntheticPace(String key, int tokens, int perSecond) {
        TestBots.execute("UPDATE bots SET synthetic_tokens = " + tokens + ", synthetic_tokens_per_second = " + perSecond
                + " WHERE id = (SELECT bot_id FROM widget_keys WHERE key = '" + key + "')");
    }
}
