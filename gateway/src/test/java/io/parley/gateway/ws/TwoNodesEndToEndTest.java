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
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway nodes (two application contexts on their own ports, one database, one Redis) take
 * messages for one conversation at the same time: every event gets its own seq, with no gap.
 */
@Import(ExtraNodes.OwnEventLoops.class)
class TwoNodesEndToEndTest extends GatewayIntegrationTest {
    private static final int MESSAGES_PER_NODE = 20;
    private static ConfigurableApplicationContext secondNode;

    @BeforeAll
    static void startSecondNode() {
        secondNode = ExtraNodes.start(Map.of());
    }

    @AfterAll
    static void stopSecondNode() {
        if (secondNode != null) {
            secondNode.close();
        }
    }

    private static int secondNodePort() {
        return ExtraNodes.httpsPort(secondNode);
    }

    @Test
    void twoNodesWritingToOneConversationAtOnceGiveGapFreeSeqsThatBothNodesDeliverInOrder() {
        String key = TestBots.syntheticKey();
        try (VisitorSocket onFirst = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            String token = onFirst.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            onFirst.send("{\"type\":\"message\",\"clientMsgId\":\"start\",\"text\":\"start\"}");
            String conversationId = onFirst.next("ack").get("conversationId").asString();

            try (VisitorSocket onSecond = VisitorSocket.open(CERTIFICATE, secondNodePort(), key, null)) {
                JsonNode welcome = onSecond.hello("{\"type\":\"hello\",\"visitorToken\":\"" + token
                        + "\",\"conversationId\":\"" + conversationId + "\",\"lastSeq\":0}").next("welcome");
                assertThat(welcome.get("conversationId").asString()).isEqualTo(conversationId);

                for (int i = 0; i < MESSAGES_PER_NODE; i++) {
                    onFirst.send("{\"type\":\"message\",\"clientMsgId\":\"a" + i + "\",\"text\":\"from node one " + i + "\"}");
                    onSecond.send("{\"type\":\"message\",\"clientMsgId\":\"b" + i + "\",\"text\":\"from node two " + i + "\"}");
                }
                long stored = 2L * (1 + 2 * MESSAGES_PER_NODE);
                List<Long> expected = LongStream.rangeClosed(1, stored).boxed().toList();
                await().atMost(Duration.ofSeconds(60)).until(() -> TestBots.seqs(conversationId).size() >= stored);
                assertThat(TestBots.seqs(conversationId)).containsExactlyElementsOf(expected);

                assertThat(storedSeqsSeenBy(onFirst, stored)).containsExactlyElementsOf(expected);
                assertThat(storedSeqsSeenBy(onSecond, stored)).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aVisitorResumingOnTheOtherNodeMidReplyGetsTheTextSoFarThenTheLiveRestExactlyOnce() {
        String key = TestBots.syntheticKey();
        TestBots.execute("UPDATE bots SET synthetic_tokens = 40, synthetic_tokens_per_second = 20"
                + " WHERE id = (SELECT bot_id FROM widget_keys WHERE key = '" + key + "')");
        String token;
        String conversationId;
        StringBuilder seenOnFirst = new StringBuilder();
        try (VisitorSocket onFirst = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            token = onFirst.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            onFirst.send("{\"type\":\"message\",\"clientMsgId\":\"q\",\"text\":\"tell me a long story\"}");
            JsonNode ack = onFirst.next("ack");
            conversationId = ack.get("conversationId").asString();
            onFirst.next("reply.start");
            for (int i = 0; i < 5; i++) {
                seenOnFirst.append(onFirst.next("reply.delta").get("text").asString());
            }
        }
        try (VisitorSocket onSecond = VisitorSocket.open(CERTIFICATE, secondNodePort(), key, null)) {
            onSecond.hello("{\"type\":\"hello\",\"visitorToken\":\"" + token + "\",\"conversationId\":\""
                    + conversationId + "\",\"lastSeq\":1}").next("welcome");
            JsonNode start = onSecond.next();
            assertThat(start.get("type").asString()).as("the reply still streams on the first node").isEqualTo("reply.start");
            JsonNode catchUp = onSecond.next("reply.delta");
            assertThat(catchUp.get("text").asString()).as("the text so far in one delta").startsWith(seenOnFirst.toString());
            StringBuilder text = new StringBuilder(catchUp.get("text").asString());
            JsonNode frame;
            while (!(frame = onSecond.next()).get("type").asString().equals("reply.end")) {
                assertThat(frame.get("type").asString()).isEqualTo("reply.delta");
                text.append(frame.get("text").asString());
            }
            assertThat(frame.get("finish").asString()).isEqualTo("stop");
            assertThat(frame.get("seq").asLong()).isEqualTo(2);
            assertThat(text.toString()).as("every token exactly once").isEqualTo(TestBots.textOf(conversationId, 2));
        }
    }

    @Test
    void aVisitorsMessageLimitHoldsAcrossNodes() {
        String key = TestBots.create("synthetic", 3, 0, java.util.List.of(), true);
        try (VisitorSocket onFirst = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            String token = onFirst.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            onFirst.send("{\"type\":\"message\",\"clientMsgId\":\"one\",\"text\":\"one\"}");
            String conversationId = onFirst.next("ack").get("conversationId").asString();
            onFirst.send("{\"type\":\"message\",\"clientMsgId\":\"two\",\"text\":\"two\"}");
            onFirst.next("ack");
            try (VisitorSocket onSecond = VisitorSocket.open(CERTIFICATE, secondNodePort(), key, null)) {
                onSecond.hello("{\"type\":\"hello\",\"visitorToken\":\"" + token + "\"}").next("welcome");
                onSecond.send("{\"type\":\"message\",\"clientMsgId\":\"three\",\"text\":\"three\"}");
                onSecond.next("ack");
                onSecond.send("{\"type\":\"message\",\"clientMsgId\":\"four\",\"text\":\"four\"}");
                JsonNode refused = onSecond.nextMatching(frame -> frame.get("type").asString().equals("error"));
                assertThat(refused.get("code").asString()).isEqualTo("rate_limited");
                assertThat(refused.get("clientMsgId").asString()).isEqualTo("four");
                assertThat(refused.get("retryAfterMs").asLong()).isPositive();
                assertThat(TestBots.countClientMessages(conversationId, "four")).as("nothing stored").isZero();
            }
        }
    }

    /** The seqs of stored events a client received (messages, reply ends, handoffs), in arrival order. */
    private static List<Long> storedSeqsSeenBy(VisitorSocket socket, long last) {
        List<Long> seqs = new ArrayList<>();
        while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < last) {
            JsonNode frame = socket.next();
            String type = frame.get("type").asString();
            if ((type.equals("message") || type.equals("reply.end") || type.equals("handoff")) && frame.has("seq")) {
                seqs.add(frame.get("seq").asLong());
            }
        }
        return seqs;
    }
}
