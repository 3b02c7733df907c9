package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.NodeProcess;
import io.parley.gateway.testing.TestBots;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A node dies (SIGKILL, in a JVM of its own) while streaming a reply: the test's node takes the reply
 * over, and the visitor, resuming there, sees it end as interrupted with its partial text stored and
 * then exactly one new answer, within 10 s.
 */
class NodeDeathEndToEndTest extends GatewayIntegrationTest {
    private static final Duration PROMISE = Duration.ofSeconds(10);

    @Test
    void whenTheNodeStreamingAReplyDiesASurvivorEndsItInterruptedAndAnswersOnceMoreWithinTenSeconds() {
        String key = TestBots.syntheticKey();
        // 400 tokens at 10 a second: still streaming when its node dies
        setSyntheticPace(key, 400, 10);
        String visitorToken;
        String conversationId;
        try (NodeProcess dying = NodeProcess.start(Map.of());
             VisitorSocket onDying = VisitorSocket.open(CERTIFICATE, dying.httpsPort(), key, null)) {
            visitorToken = onDying.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            onDying.send("{\"type\":\"message\",\"clientMsgId\":\"q\",\"text\":\"tell me everything\"}");
            conversationId = onDying.next("ack").get("conversationId").asString();
            onDying.next("reply.start");
            onDying.next("reply.delta");
            onDying.next("reply.delta");

            dying.kill();
        }
        long diedAt = System.nanoTime();
        // the new answer is short
        setSyntheticPace(key, 5, 50);

        try (VisitorSocket resumed = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            resumed.hello("{\"type\":\"hello\",\"visitorToken\":\"" + visitorToken + "\",\"conversationId\":\""
                    + conversationId + "\",\"lastSeq\":1}").next("welcome");
            // the reply still streams in Redis: reply.start and the text so far, then its end from the survivor
            String interruptedId = resumed.next("reply.start").get("messageId").asString();
            StringBuilder partial = new StringBuilder();
            JsonNode end = resumed.nextMatching(f -> f.get("type").asString().startsWith("reply."));
            while (end.get("type").asString().equals("reply.delta")) {
                partial.append(end.get("text").asString());
                end = resumed.nextMatching(f -> f.get("type").asString().startsWith("reply."));
            }
            long endedAfterMillis = Duration.ofNanos(System.nanoTime() - diedAt).toMillis();

            assertThat(end.get("type").asString()).isEqualTo("reply.end");
            assertThat(endedAfterMillis).as("ended within 10 s of the node's death").isLessThan(PROMISE.toMillis());
            assertThat(end.get("messageId").asString()).isEqualTo(interruptedId);
            assertThat(end.get("finish").asString()).isEqualTo("interrupted");
            assertThat(end.get("seq").asLong()).isEqualTo(2);
            assertThat(TestBots.finishOf(conversationId, 2)).isEqualTo("interrupted");
            assertThat(TestBots.textOf(conversationId, 2)).isNotEmpty().isEqualTo(partial.toString());

            JsonNode again = resumed.next("reply.start");
            assertThat(again.get("messageId").asString()).isNotEqualTo(interruptedId);
            JsonNode againEnd = resumed.next("reply.end");
            assertThat(againEnd.get("finish").asString()).isEqualTo("stop");
            assertThat(againEnd.get("seq").asLong()).isEqualTo(3);

            // exactly one new answer: nothing more is stored over several sweeps
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> TestBots.seqs(conversationId).size() == 3);
            assertThat(TestBots.finishOf(conversationId, 3)).isEqualTo("stop");
        }
    }

    private static void setSyntheticPace(String key, int tokens, int perSecond) {
        TestBots.execute("UPDATE bots SET synthetic_tokens = " + tokens + ", synthetic_tokens_per_second = " + perSecond
                + " WHERE id = (SELECT bot_id FROM widget_keys WHERE key = '" + key + "')");
    }
}
