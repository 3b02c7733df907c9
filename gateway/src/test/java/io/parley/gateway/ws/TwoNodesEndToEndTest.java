package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.ParleyApplication;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.gateway.testing.TestBots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway nodes (two application contexts on their own ports, one database, one Redis) take
 * messages for one conversation at the same time: every event gets its own seq, with no gap.
 */
class TwoNodesEndToEndTest extends GatewayIntegrationTest {
    private static final int MESSAGES_PER_NODE = 20;
    private static ConfigurableApplicationContext secondNode;

    @BeforeAll
    static void startSecondNode() {
        secondNode = startNode();
    }

    private static ConfigurableApplicationContext startNode() {
        Map<String, Object> properties = new HashMap<>(TestBackends.properties());
        properties.put("spring.ssl.bundle.pem.server.keystore.certificate", CERTIFICATE.certificate().toString());
        properties.put("spring.ssl.bundle.pem.server.keystore.private-key", CERTIFICATE.privateKey().toString());
        // as command-line arguments, which win over application.yml like the first node's test properties
        return new SpringApplicationBuilder(ParleyApplication.class, OwnEventLoops.class)
                .profiles("test")
                .run(properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toArray(String[]::new));
    }

    @Test
    void aStoppingNodeTellsItsClientsToReconnectAtOnceAndStoresTheReplyItWasStreamingAsInterrupted() {
        ConfigurableApplicationContext node = startNode();
        int port = Integer.parseInt(node.getEnvironment().getRequiredProperty("local.server.port"));
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, port, TestBots.syntheticKey(), null)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"q\",\"text\":\"go\"}");
            String conversationId = socket.next("ack").get("conversationId").asString();
            socket.next("reply.delta");

            node.close();

            VisitorSocket.Closed closed = socket.closeStatus();
            assertThat(closed.code()).isEqualTo(1012);
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
            assertThat(TestBots.finishOf(conversationId, 2)).isEqualTo("interrupted");
        } finally {
            node.close();
        }
    }

    @AfterAll
    static void stopSecondNode() {
        if (secondNode != null) {
            secondNode.close();
        }
    }

    /**
     * Each extra node gets event loops of its own: by default all servers in one JVM share Reactor
     * Netty's global ones, and stopping one node would stop the others' servers too. (As a nested
     * test configuration it applies to this class's own node as well.)
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class OwnEventLoops {
        @Bean
        static BeanPostProcessor ownEventLoops() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessBeforeInitialization(Object bean, String name) {
                    if (bean instanceof ReactorResourceFactory factory) {
                        factory.setUseGlobalResources(false);
                    }
                    return bean;
                }
            };
        }
    }

    private static int secondNodePort() {
        return Integer.parseInt(secondNode.getEnvironment().getRequiredProperty("local.server.port"));
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
