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
