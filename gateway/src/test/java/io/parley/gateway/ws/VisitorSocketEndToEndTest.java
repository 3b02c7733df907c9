package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A visitor's whole conversation over real wss://, against real PostgreSQL and Redis. */
class VisitorSocketEndToEndTest extends GatewayIntegrationTest {
    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    private VisitorSocket connect(String key) {
        return VisitorSocket.open(CERTIFICATE, httpsPort, key, TestBots.DEMO_ORIGIN);
    }

    private static String message(String clientMsgId, String text) {
        return "{\"type\":\"message\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"" + text + "\"}";
    }

    @Test
    void aVisitorAsksTheDemoBotAndTheAnswerStreamsBackInDeltas() {
        try (VisitorSocket socket = connect("pk_demo")) {
            JsonNode welcome = socket.hello("{\"type\":\"hello\"}").next("welcome");
            assertThat(socket.selectedProtocol()).isEqualTo("parley.v1");
            assertThat(welcome.get("visitorId").asString()).startsWith("v_");
            assertThat(welcome.get("visitorToken").asString()).isNotBlank();
            assertThat(welcome.get("conversationId").isNull()).isTrue();
            assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(25_000);
            assertThat(welcome.get("bot").get("name").asString()).isEqualTo("Parley Demo");

            socket.send(message("q1", "How do I embed the widget on my website?"));
            JsonNode ack = socket.next("ack");
            assertThat(ack.get("clientMsgId").asString()).isEqualTo("q1");
            assertThat(ack.get("seq").asLong()).isEqualTo(1);
            String conversationId = ack.get("conversationId").asString();

            JsonNode posted = socket.next("message");
            assertThat(posted.get("seq").asLong()).isEqualTo(1);
            assertThat(posted.get("author").get("role").asString()).isEqualTo("visitor");
            JsonNode start = socket.next("reply.start");
            assertThat(start.get("author").get("role").asString()).isEqualTo("bot");
            StringBuilder answer = new StringBuilder();
            int deltas = 0;
            JsonNode frame = socket.next();
            while (frame.get("type").asString().equals("reply.delta")) {
                assertThat(frame.get("messageId").asString()).isEqualTo(start.get("messageId").asString());
                answer.append(frame.get("text").asString());
                deltas++;
                frame = socket.next();
            }
            assertThat(frame.get("type").asString()).isEqualTo("reply.end");
            assertThat(frame.get("seq").asLong()).isEqualTo(2);
            assertThat(frame.get("finish").asString()).isEqualTo("stop");
            assertThat(deltas).isGreaterThan(1);
            assertThat(answer.toString()).containsIgnoringCase("script");
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
        }
    }

    @Test
    void connectionsMessagesAndStreamingRepliesAreCountedForPrometheus() {
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.syntheticKey(), null)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("m1", "count me"));
            socket.next("reply.delta");
            String during = scrape();
            assertThat(gauge(during, "parley_ws_connections{endpoint=\"visitor\"")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(during, "parley_replies_streaming ")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(during, "parley_ws_messages_received_total{endpoint=\"visitor\"")).isGreaterThanOrEqualTo(2);
            assertThat(gauge(during, "parley_ws_messages_sent_total{endpoint=\"visitor\"")).isGreaterThanOrEqualTo(3);
            assertThat(during).contains("parley_ws_connections{endpoint=\"agent\"");
        }
    }

    private String scrape() {
        return io.parley.gateway.testing.TestClients.http(managementPort).get().uri("/actuator/prometheus")
                .responseContent().aggregate().asString().block(TIMEOUT);
    }

    /** The value of the first sample whose line starts with {@code prefix}. */
    private static double gauge(String metrics, String prefix) {
        return metrics.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + prefix + " in\n" + metrics));
    }

    @Test
    void theSameClientMsgIdSentThreeTimesStoresOneMessageAndGetsOneAck() {
        try (VisitorSocket socket = connect(TestBots.knowledgeBaseKey())) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("same-1", "hello"));
            socket.send(message("same-1", "hello"));
            socket.send(message("same-1", "hello"));
            // the reply may end before the resends are acked: they wait behind the first in the socket's queue
            List<JsonNode> acks = new ArrayList<>();
            List<JsonNode> replyEnds = new ArrayList<>();
            while (acks.size() < 3 || replyEnds.isEmpty()) {
                JsonNode frame = socket.next();
                switch (frame.get("type").asString()) {
                    case "ack" -> acks.add(frame);
                    case "reply.end" -> replyEnds.add(frame);
                    default -> { }
                }
            }
            assertThat(acks).extracting(a -> a.get("messageId").asString()).containsOnly(acks.get(0).get("messageId").asString());
            assertThat(acks).extracting(a -> a.get("seq").asLong()).containsOnly(1L);
            assertThat(replyEnds).extracting(e -> e.get("seq").asLong()).containsExactly(2L);
            String conversationId = acks.get(0).get("conversationId").asString();
            assertThat(TestBots.countClientMessages(conversationId, "same-1")).isEqualTo(1);
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
        }
    }

    @Test
    void aNewConversationsFirstMessageIsAckedThenSeenThenAnsweredInThatOrder() {
        String key = TestBots.knowledgeBaseKey();
        // a race between the new conversation's catch-up and the message's store shows only now and then
        for (int visitor = 0; visitor < 20; visitor++) {
            try (VisitorSocket socket = connect(key)) {
                socket.hello("{\"type\":\"hello\"}").next("welcome");
                socket.send(message("first-" + visitor, "hello"));
                List<String> order = new ArrayList<>();
                while (!order.contains("reply.start")) {
                    String type = socket.next().get("type").asString();
                    if (!type.startsWith("reply.") || type.equals("reply.start")) {
                        order.add(type);
                    }
                }
                assertThat(order).as("visitor %d", visitor).containsExactly("ack", "message", "reply.start");
            }
        }
    }

    @Test
    void resumingWithLastSeqReplaysEveryMissedEventOnceInOrderThenLiveOnes() {
        String key = TestBots.knowledgeBaseKey();
        String token;
        String conversationId;
        try (VisitorSocket first = connect(key)) {
            token = first.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            first.send(message("r1", "What is Parley?"));
            conversationId = first.next("ack").get("conversationId").asString();
            assertThat(first.next("reply.end").get("seq").asLong()).isEqualTo(2);
        }
        String resumeHello = "{\"type\":\"hello\",\"visitorToken\":\"" + token + "\",\"conversationId\":\""
                + conversationId + "\",\"lastSeq\":2}";
        try (VisitorSocket other = connect(key)) {
            other.hello("{\"type\":\"hello\",\"visitorToken\":\"" + token + "\"}");
            assertThat(other.next("welcome").get("conversationId").asString()).isEqualTo(conversationId);
            other.send(message("r2", "Is it secure?"));
            other.nextMatching(n -> n.get("type").asString().equals("reply.end") && n.get("seq").asLong() == 4);
            other.send(message("r3", "Can I talk to a human?"));
            other.nextMatching(n -> n.get("type").asString().equals("reply.end") && n.get("seq").asLong() == 6);
        }

        try (VisitorSocket resumed = connect(key)) {
            JsonNode welcome = resumed.hello(resumeHello).next("welcome");
            assertThat(welcome.get("lastSeq").asLong()).isEqualTo(6);
            List<Long> replayed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JsonNode event = resumed.next();
                assertThat(event.get("type").asString()).isEqualTo("message");
                replayed.add(event.get("seq").asLong());
            }
            assertThat(replayed).containsExactly(3L, 4L, 5L, 6L);
            resumed.send(message("r4", "thanks"));
            assertThat(resumed.next("ack").get("seq").asLong()).isEqualTo(7);
            JsonNode live = resumed.next("message");
            assertThat(live.get("seq").asLong()).isEqualTo(7);
            resumed.next("reply.end");
            assertThat(resumed.drain()).noneMatch(n -> n.has("seq") && n.get("seq").asLong() <= 6);
        }
        assertThat(TestBots.seqs(conversationId)).containsExactlyElementsOf(LongStream.rangeClosed(1, 8).boxed().toList());
    }

    @Test
    void pingIsAnsweredWithPongEchoingT() {
        try (VisitorSocket socket = connect(TestBots.knowledgeBaseKey())) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            JsonNode pong = socket.send("{\"type\":\"ping\",\"t\":{\"n\":42}}").next("pong");
            assertThat(pong.get("t").get("n").asInt()).isEqualTo(42);
        }
    }

    @Test
    void cancelStopsTheStreamingReplyAndStoresItAsCancelled() {
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.syntheticKey(), null)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("c1", "go"));
            String conversationId = socket.next("ack").get("conversationId").asString();
            String replyId = socket.next("reply.start").get("messageId").asString();
            socket.next("reply.delta");
            socket.send("{\"type\":\"cancel\",\"messageId\":\"" + replyId + "\"}");
            JsonNode end = socket.next("reply.end");
            assertThat(end.get("finish").asString()).isEqualTo("cancelled");
            assertThat(end.get("messageId").asString()).isEqualTo(replyId);
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
        }
    }
}
