package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.UpgradeRequests;
import io.parley.gateway.testing.TestBots;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bad input gets a clear answer and loses nothing: each case of the protocol's table, over real wss://. */
class VisitorSocketBadInputTest extends GatewayIntegrationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SslContext ssl() {
        return CERTIFICATE.trustingClientContext();
    }

    private VisitorSocket started(String key) {
        VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, key, TestBots.DEMO_ORIGIN);
        socket.send("{\"type\":\"hello\"}").next("welcome");
        return socket;
    }

    /** A WebSocket upgrade request sent as plain HTTPS, to read the refusal the server answers before any 101. */
    private Refusal handshake(String query, @Nullable String origin) {
        UpgradeRequests.Answer answer = UpgradeRequests.send(ssl(), httpsPort, "/ws/visitor" + query, origin);
        return new Refusal(answer.status(), answer.body(), answer.retryAfterSeconds());
    }

    private record Refusal(int status, String body, long retryAfter) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    @Test
    void aWrongOriginIsRefusedWith403BeforeTheUpgrade() {
        Refusal refusal = handshake("?key=pk_demo", "https://evil.example");
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.json().get("error").asString()).isEqualTo("origin_not_allowed");
        assertThat(refusal.json().get("message").asString()).isNotBlank();
        assertThat(handshake("?key=pk_demo", "https://localhost:8443.evil.example").status()).isEqualTo(403);
        assertThat(handshake("?key=pk_demo", "http://localhost:8443").status()).isEqualTo(403);
    }

    @Test
    void aMissingOriginIsRefusedWith403WhenTheKeyAllowsNoNativeClients() {
        String key = TestBots.browserOnlyKey("https://shop.example");
        Refusal refusal = handshake("?key=" + key, null);
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.json().get("error").asString()).isEqualTo("origin_required");
        assertThat(handshake("?key=" + key, "https://shop.example").status()).isEqualTo(101);
    }

    @Test
    void anUnknownOrMissingKeyIsRefusedWith403() {
        Refusal unknown = handshake("?key=pk_nobody", TestBots.DEMO_ORIGIN);
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.json().get("error").asString()).isEqualTo("unknown_key");
        assertThat(handshake("", TestBots.DEMO_ORIGIN).status()).isEqualTo(403);
    }

    @Test
    void noHelloWithinTenSecondsClosesWith4408() {
        VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.knowledgeBaseKey(), TestBots.DEMO_ORIGIN);
        assertThat(socket.closeStatus(java.time.Duration.ofSeconds(15)).code()).isEqualTo(4408);
    }

    @Test
    void connectionsOverTheKeysRatePerAddressAreRefusedWith429AndRetryAfter() {
        String key = TestBots.connectionLimitedKey(2);
        assertThat(handshake("?key=" + key, TestBots.DEMO_ORIGIN).status()).isEqualTo(101);
        assertThat(handshake("?key=" + key, TestBots.DEMO_ORIGIN).status()).isEqualTo(101);
        Refusal refused = handshake("?key=" + key, TestBots.DEMO_ORIGIN);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter()).isPositive();
        assertThat(refused.json().get("error").asString()).isEqualTo("too_many_connections");
    }

    @Test
    void messagesOverTheVisitorsRateGetRateLimitedWithRetryAfterAndAreNotStored() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            String conversationId = null;
            for (int i = 0; i < 20; i++) {
                socket.send("{\"type\":\"message\",\"clientMsgId\":\"rl" + i + "\",\"text\":\"hi " + i + "\"}");
                conversationId = socket.next("ack").get("conversationId").asString();
            }
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"rl-over\",\"text\":\"one more\"}");
            JsonNode error = socket.next("error");
            assertThat(error.get("code").asString()).isEqualTo("rate_limited");
            assertThat(error.get("clientMsgId").asString()).isEqualTo("rl-over");
            assertThat(error.get("retryAfterMs").asLong()).isBetween(1L, 10_000L);
            assertThat(TestBots.countClientMessages(conversationId, "rl-over")).isZero();

            for (int i = 0; i < 10; i++) {
                socket.send("{\"type\":\"message\",\"clientMsgId\":\"rl-more" + i + "\",\"text\":\"again\"}");
            }
            VisitorSocket.Closed closed = socket.closeStatus();
            assertThat(closed.code()).isEqualTo(4429);
            assertThat(closed.reason()).matches("retryAfterMs=\\d+");
        }
    }

    @Test
    void aFloodOfControlFramesIsRefusedPastThirtyInTenSeconds() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            for (int i = 0; i < 31; i++) {
                socket.send("{\"type\":\"ping\",\"t\":" + i + "}");
            }
            for (int i = 0; i < 30; i++) {
                assertThat(socket.next().get("type").asString()).isEqualTo("pong");
            }
            JsonNode refused = socket.next();
            assertThat(refused.get("type").asString()).isEqualTo("error");
            assertThat(refused.get("code").asString()).isEqualTo("rate_limited");
            assertThat(refused.get("retryAfterMs").asLong()).isPositive();
        }
    }

    @Test
    void aValidButTooLongMessageBeforeHelloAlsoClosesWith4401() {
        VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.knowledgeBaseKey(), TestBots.DEMO_ORIGIN);
        socket.send("{\"type\":\"message\",\"clientMsgId\":\"early\",\"text\":\"" + "z".repeat(4001) + "\"}");
        assertThat(socket.closeStatus().code()).isEqualTo(4401);
    }

    @Test
    void aFirstFrameOtherThanHelloClosesWith4401() {
        VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.knowledgeBaseKey(), TestBots.DEMO_ORIGIN);
        socket.send("{\"type\":\"message\",\"clientMsgId\":\"early\",\"text\":\"hi\"}");
        assertThat(socket.closeStatus().code()).isEqualTo(4401);
    }

    @Test
    void aForgedVisitorTokenClosesWith4401() {
        VisitorSocket socket = VisitorSocket.open(CERTIFICATE, httpsPort, TestBots.knowledgeBaseKey(), TestBots.DEMO_ORIGIN);
        socket.send("{\"type\":\"hello\",\"visitorToken\":\"v1.v_someone.w_demo.99999999999.forged\"}");
        assertThat(socket.closeStatus().code()).isEqualTo(4401);
    }

    @Test
    void malformedFramesGetBadFrameErrorsAndTheSocketStaysOpen() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            socket.send("{not json");
            assertBadFrame(socket.next());
            socket.send("{\"type\":\"shout\"}");
            assertBadFrame(socket.next());
            socket.send("{\"type\":\"message\",\"text\":\"no clientMsgId\"}");
            assertBadFrame(socket.next());
            assertThat(socket.send("{\"type\":\"ping\",\"t\":1}").next().get("type").asString()).isEqualTo("pong");
        }
    }

    @Test
    void moreThanTenMalformedFramesInAMinuteCloseWith1008() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            for (int i = 0; i < 10; i++) {
                socket.send("garbage " + i);
                assertBadFrame(socket.next());
            }
            socket.send("one too many");
            assertThat(socket.closeStatus().code()).isEqualTo(1008);
        }
    }

    @Test
    void aFrameOver16KiBClosesWith1009() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"big\",\"text\":\"" + "x".repeat(17 * 1024) + "\"}");
            assertThat(socket.closeStatus().code()).isEqualTo(1009);
        }
        assertThat(TestBots.countClientMessagesAnywhere("big")).isZero();
    }

    @Test
    void aSingleFrameOver16KiBClosesWith1009() {
        String big = "{\"type\":\"message\",\"clientMsgId\":\"big2\",\"text\":\"" + "x".repeat(17 * 1024) + "\"}";
        Integer code = HttpClient.create()
                .secure(spec -> spec.sslContext(ssl()))
                .headers(h -> h.set("Origin", TestBots.DEMO_ORIGIN))
                .websocket()
                .uri("wss://localhost:" + httpsPort + "/ws/visitor?key=" + TestBots.knowledgeBaseKey())
                .handle((in, out) -> out.sendString(reactor.core.publisher.Flux.just("{\"type\":\"hello\"}", big))
                        .then()
                        .thenMany(in.receiveCloseStatus().map(status -> status.code())))
                .blockFirst(TIMEOUT);
        assertThat(code).isEqualTo(1009);
    }

    @Test
    void aTextFrameWithInvalidUtf8ClosesWith1007() {
        byte[] invalid = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Integer code = HttpClient.create()
                .secure(spec -> spec.sslContext(ssl()))
                .headers(h -> h.set("Origin", TestBots.DEMO_ORIGIN))
                .websocket()
                .uri("wss://localhost:" + httpsPort + "/ws/visitor?key=" + TestBots.knowledgeBaseKey())
                .handle((in, out) -> {
                    Sinks.Many<WebSocketFrame> frames = Sinks.many().unicast().onBackpressureBuffer();
                    frames.tryEmitNext(new TextWebSocketFrame("{\"type\":\"hello\"}"));
                    // the invalid frame goes once the session has started, so it is read as a frame of a session
                    // (reading on to the end: cancelling the inbound would drop the connection)
                    in.receiveFrames().ofType(TextWebSocketFrame.class)
                            .filter(f -> f.text().contains("\"welcome\""))
                            .subscribe(welcome -> frames.tryEmitNext(new TextWebSocketFrame(Unpooled.wrappedBuffer(invalid))));
                    out.sendObject(frames.asFlux()).then().subscribe();
                    return in.receiveCloseStatus().map(status -> status.code());
                })
                .blockFirst(TIMEOUT);
        assertThat(code).isEqualTo(1007);
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            socket.sendBinary(new byte[] {1, 2, 3});
            assertThat(socket.closeStatus().code()).isEqualTo(1003);
        }
    }

    @Test
    void textOver4000CharactersGetsAnErrorAndNothingIsStored() {
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"first\",\"text\":\"hello\"}");
            String conversationId = socket.next("ack").get("conversationId").asString();
            socket.next("reply.end");
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"too-long\",\"text\":\"" + "y".repeat(4001) + "\"}");
            JsonNode error = socket.next("error");
            assertThat(error.get("code").asString()).isEqualTo("message_too_long");
            assertThat(error.get("clientMsgId").asString()).isEqualTo("too-long");
            assertThat(TestBots.countClientMessages(conversationId, "too-long")).isZero();
            assertThat(socket.send("{\"type\":\"ping\"}").next("pong")).isNotNull();
        }
    }

    @Test
    void aDatabaseErrorWhileStoringGivesNoAckAnErrorAndTheSameClientMsgIdCanBeResent() {
        TestBots.execute("""
                CREATE TABLE IF NOT EXISTS test_failing_conversations (conversation_id text PRIMARY KEY);
                CREATE OR REPLACE FUNCTION test_fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM test_failing_conversations WHERE conversation_id = NEW.conversation_id) THEN
                    RAISE EXCEPTION 'injected failure for %', NEW.conversation_id;
                  END IF;
                  RETURN NEW;
                END $$;
                DROP TRIGGER IF EXISTS test_fail_insert ON events;
                CREATE TRIGGER test_fail_insert BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_fail_insert();
                """);
        try (VisitorSocket socket = started(TestBots.knowledgeBaseKey())) {
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"ok-1\",\"text\":\"hello\"}");
            String conversationId = socket.next("ack").get("conversationId").asString();
            socket.next("reply.end");
            TestBots.execute("INSERT INTO test_failing_conversations VALUES ('" + conversationId + "')");

            socket.send("{\"type\":\"message\",\"clientMsgId\":\"retry-1\",\"text\":\"does this arrive?\"}");
            JsonNode error = socket.next();
            assertThat(error.get("type").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo("store_failed");
            assertThat(error.get("clientMsgId").asString()).isEqualTo("retry-1");
            assertThat(TestBots.countClientMessages(conversationId, "retry-1")).isZero();

            TestBots.execute("DELETE FROM test_failing_conversations WHERE conversation_id = '" + conversationId + "'");
            socket.send("{\"type\":\"message\",\"clientMsgId\":\"retry-1\",\"text\":\"does this arrive?\"}");
            JsonNode ack = socket.next("ack");
            assertThat(ack.get("seq").asLong()).isEqualTo(3);
            assertThat(TestBots.countClientMessages(conversationId, "retry-1")).isEqualTo(1);
        } finally {
            TestBots.execute("DROP TRIGGER IF EXISTS test_fail_insert ON events");
        }
    }

    private static void assertBadFrame(JsonNode frame) {
        assertThat(frame.get("type").asString()).isEqualTo("error");
        assertThat(frame.get("code").asString()).isEqualTo("bad_frame");
        assertThat(frame.get("message").asString()).isNotBlank();
    }
}
