package io.parley.gateway.ws;

import io.parley.persistence.postgres.SealedValues;
import io.parley.gateway.testing.AdminData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.testing.TestClients;
import io.parley.gateway.upstream.FakeOpenAi;
import io.parley.gateway.upstream.FakeOpenAi.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import tools.jackson.databind.JsonNode;

/** An {@code openai} bot over real wss://, its upstream a fake OpenAI-compatible server on loopback. */
class OpenAiBotEndToEndTest extends GatewayIntegrationTest {
    private static final String API_KEY = "sk-e2e-secret";
    private static final FakeOpenAi FAKE = new FakeOpenAi();

    @LocalManagementPort
    int managementPort;

    @AfterAll
    static void stopFake() {
        FAKE.close();
    }

    /** A widget key of a new openai bot (with the demo bot's knowledge) whose upstream is the fake. */
    private static String openAiBotKey() {
        String key = TestBots.knowledgeBaseKey();
        String bot = "b_t" + key.substring("pk_t".length());
        AdminData.execute("UPDATE bots SET responder = 'openai', openai_base_url = ?, openai_model = 'gpt-e2e', "
                + "openai_api_key = ? WHERE id = ?", FAKE.baseUrl(),
                SealedValues.shared().seal("bots", "openai_api_key", API_KEY, bot), bot);
        return key;
    }

    private static String message(String clientMsgId, String text) {
        return "{\"type\":\"message\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"" + text + "\"}";
    }

    /** The deltas' text up to reply.end, which is returned last. */
    private static List<JsonNode> reply(VisitorSocket socket) {
        List<JsonNode> frames = new ArrayList<>();
        frames.add(socket.next("reply.start"));
        JsonNode frame;
        do {
            frame = socket.next();
            frames.add(frame);
        } while (!frame.get("type").asString().equals("reply.end"));
        return frames;
    }

    private static String text(List<JsonNode> frames) {
        StringBuilder text = new StringBuilder();
        frames.stream().filter(f -> f.get("type").asString().equals("reply.delta"))
                .forEach(f -> text.append(f.get("text").asString()));
        return text.toString();
    }

    @Test
    void theModelsAnswerStreamsToTheVisitorAsReplyDeltasAndIsStored() {
        FAKE.always(Mode.STREAM);
        int before = FAKE.requests();
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, openAiBotKey(), TestBots.DEMO_ORIGIN)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("o1", "How do I embed the widget on my website?"));
            String conversationId = socket.next("ack").get("conversationId").asString();

            List<JsonNode> frames = reply(socket);

            assertThat(frames).filteredOn(f -> f.get("type").asString().equals("reply.delta"))
                    .extracting(f -> f.get("text").asString()).containsExactlyElementsOf(FakeOpenAi.ANSWER);
            JsonNode end = frames.get(frames.size() - 1);
            assertThat(end.get("finish").asString()).isEqualTo("stop");
            assertThat(TestBots.seqs(conversationId)).containsExactly(1L, 2L);
        }
        assertThat(FAKE.requests()).isEqualTo(before + 1);
        FakeOpenAi.Request request = FAKE.received().get(FAKE.received().size() - 1);
        assertThat(request.authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(request.body()).contains("\"model\":\"gpt-e2e\"", "How do I embed the widget");
    }

    @Test
    void whenTheUpstreamFailsTheVisitorGetsTheKnowledgeBaseAnswerAndAHumanOffered() {
        FAKE.always(Mode.SERVER_ERROR);
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, openAiBotKey(), TestBots.DEMO_ORIGIN)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("o2", "How do I embed the widget on my website?"));

            List<JsonNode> frames = reply(socket);

            assertThat(text(frames)).containsIgnoringCase("script").endsWith("You can also ask for a human.");
            assertThat(frames.get(frames.size() - 1).get("finish").asString()).isEqualTo("stop");
        } finally {
            FAKE.always(Mode.STREAM);
        }
    }

    @Test
    void cancelEndsTheReplyAndClosesTheUpstreamConnection() {
        FAKE.always(Mode.STALL_MID_STREAM);
        int closedBefore = FAKE.closedConnections();
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, openAiBotKey(), TestBots.DEMO_ORIGIN)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("o3", "Tell me everything"));
            String replyId = socket.next("reply.start").get("messageId").asString();
            assertThat(socket.next("reply.delta").get("text").asString()).isEqualTo(FakeOpenAi.ANSWER.get(0));

            socket.send("{\"type\":\"cancel\",\"messageId\":\"" + replyId + "\"}");

            assertThat(socket.nextMatching(f -> f.get("type").asString().equals("reply.end"))
                    .get("finish").asString()).isEqualTo("cancelled");
            await().atMost(TIMEOUT).until(() -> FAKE.closedConnections() > closedBefore);
        } finally {
            FAKE.always(Mode.STREAM);
        }
    }

    @Test
    void theUpstreamsMetricsAreOnTheManagementPort() {
        FAKE.always(Mode.STREAM);
        try (VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, openAiBotKey(), TestBots.DEMO_ORIGIN)) {
            socket.hello("{\"type\":\"hello\"}").next("welcome");
            socket.send(message("o4", "hello model"));
            reply(socket);
        }
        String metrics = TestClients.http(managementPort).get().uri("/actuator/prometheus")
                .responseContent().aggregate().asString().block(TIMEOUT);

        assertThat(metrics).contains("parley_upstream_first_token_seconds_count", "parley_upstream_errors_total{kind=\"server_error\"",
                "parley_upstream_streams ", "resilience4j_circuitbreaker_state{", "resilience4j_bulkhead_available_concurrent_calls");
        assertThat(metrics).doesNotContain(API_KEY);
    }
}
