package io.parley.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.VisitorId;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void decodesEveryVisitorFrame() {
        assertThat(codec.decodeVisitorFrame("{\"type\":\"hello\",\"visitorToken\":\"t\",\"conversationId\":\"c_1\",\"lastSeq\":12}"))
                .isEqualTo(new ClientFrame.Hello("t", new ConversationId("c_1"), 12L));
        assertThat(codec.decodeVisitorFrame("{\"type\":\"hello\"}")).isEqualTo(new ClientFrame.Hello(null, null, null));
        assertThat(codec.decodeVisitorFrame("{\"type\":\"message\",\"clientMsgId\":\"a-1_B\",\"text\":\"hi\",\"extra\":1}"))
                .isEqualTo(new ClientFrame.PostMessage("a-1_B", "hi"));
        assertThat(codec.decodeVisitorFrame("{\"type\":\"typing\",\"on\":true}")).isEqualTo(new ClientFrame.Typing(true));
        assertThat(codec.decodeVisitorFrame("{\"type\":\"cancel\",\"messageId\":\"m_9\"}"))
                .isEqualTo(new ClientFrame.Cancel(new MessageId("m_9")));
        assertThat(codec.decodeVisitorFrame("{\"type\":\"handoff\"}")).isEqualTo(new ClientFrame.Handoff());
        ClientFrame.Ping ping = (ClientFrame.Ping) codec.decodeVisitorFrame("{\"type\":\"ping\",\"t\":{\"n\":[1,2]}}");
        assertThat(codec.encode(new ServerFrame.Pong(ping.t()))).isEqualTo("{\"type\":\"pong\",\"t\":{\"n\":[1,2]}}");
    }

    @Test
    void helloCarriesAnIdentityTokenOfAtMost4096Characters() {
        String longest = "a".repeat(4096);

        assertThat(codec.decodeVisitorFrame("{\"type\":\"hello\",\"identityToken\":\"" + longest + "\"}"))
                .isEqualTo(new ClientFrame.Hello(null, null, null, longest));
        for (String bad : new String[]{"\"" + longest + "a\"", "\"\"", "42", "{}"}) {
            assertThatThrownBy(() -> codec.decodeVisitorFrame("{\"type\":\"hello\",\"identityToken\":" + bad + "}"))
                    .isInstanceOf(BadFrameException.class)
                    .hasMessageContaining("identityToken");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json", "[1,2]", "\"hello\"", "{}", "{\"type\":42}", "{\"type\":\"shout\"}",
            "{\"type\":\"message\",\"text\":\"no id\"}",
            "{\"type\":\"message\",\"clientMsgId\":\"has space\",\"text\":\"x\"}",
            "{\"type\":\"message\",\"clientMsgId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"text\":\"x\"}",
            "{\"type\":\"message\",\"clientMsgId\":\"ok\"}",
            "{\"type\":\"message\",\"clientMsgId\":\"ok\",\"text\":7}",
            "{\"type\":\"message\",\"clientMsgId\":\"ok\",\"text\":\"   \"}",
            "{\"type\":\"message\",\"clientMsgId\":\"ok\",\"text\":\"nul \\u0000 inside\"}",
            "{\"type\":\"typing\"}",
            "{\"type\":\"cancel\",\"messageId\":\"x_1\"}",
            "{\"type\":\"hello\",\"lastSeq\":-1}",
            "{\"type\":\"hello\",\"lastSeq\":\"3\"}",
            "{\"type\":\"hello\",\"conversationId\":\"nope\"}"})
    void refusesMalformedFramesAsBadFrame(String frame) {
        assertThatThrownBy(() -> codec.decodeVisitorFrame(frame))
                .isInstanceOfSatisfying(BadFrameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.BAD_FRAME);
                    assertThat(e.malformed()).isTrue();
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void textOverTheLimitIsRefusedWithItsOwnCodeAndTheClientMsgId() {
        String text = "é".repeat(4001);
        assertThatThrownBy(() -> codec.decodeVisitorFrame(
                "{\"type\":\"message\",\"clientMsgId\":\"long1\",\"text\":\"" + text + "\"}"))
                .isInstanceOfSatisfying(BadFrameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.MESSAGE_TOO_LONG);
                    assertThat(e.clientMsgId()).isEqualTo("long1");
                    assertThat(e.malformed()).isFalse();
                });
    }

    @Test
    void textOfExactlyTheLimitCountedInCharactersIsAccepted() {
        String text = "😀".repeat(4000);
        assertThat(codec.decodeVisitorFrame("{\"type\":\"message\",\"clientMsgId\":\"x\",\"text\":\"" + text + "\"}"))
                .isEqualTo(new ClientFrame.PostMessage("x", text));
    }

    @Test
    void encodesServerFramesWithTheProtocolsFieldNames() {
        assertThat(codec.encode(new ServerFrame.Welcome(new VisitorId("v_1"), "tok", null, 0, 25000, "Bot", "Hi")))
                .isEqualTo("{\"type\":\"welcome\",\"visitorId\":\"v_1\",\"visitorToken\":\"tok\",\"conversationId\":null,"
                        + "\"lastSeq\":0,\"heartbeatMs\":25000,\"bot\":{\"name\":\"Bot\",\"greeting\":\"Hi\"}}");
        assertThat(codec.encode(new ServerFrame.Message(3, new MessageId("m_1"), new ConversationId("c_1"),
                new Author(AuthorRole.BOT, "b_1", "Bot"), "hello", Instant.parse("2026-01-02T03:04:05Z"))))
                .isEqualTo("{\"type\":\"message\",\"seq\":3,\"messageId\":\"m_1\",\"conversationId\":\"c_1\","
                        + "\"author\":{\"role\":\"bot\",\"id\":\"b_1\",\"name\":\"Bot\"},\"text\":\"hello\","
                        + "\"createdAt\":\"2026-01-02T03:04:05Z\"}");
        assertThat(codec.encode(new ServerFrame.Error("rate_limited", "slow down", "c1", 1500L)))
                .isEqualTo("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\",\"clientMsgId\":\"c1\","
                        + "\"retryAfterMs\":1500}");
        assertThat(codec.encode(ServerFrame.Error.of("bad_frame", "x"))).doesNotContain("clientMsgId", "retryAfterMs");
    }
}
