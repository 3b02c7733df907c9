package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.protocol.ServerFrame;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class OutboxTest {
    private static final ConversationId C = new ConversationId("c_1");
    private static final MessageId M = new MessageId("m_1");

    private static long size(ServerFrame f) {
        return f instanceof ServerFrame.ReplyDelta d ? d.text().length() : 10;
    }

    @Test
    void deltasOfOneReplyQueuedForASlowReaderAreMergedInOrder() {
        Outbox outbox = new Outbox(1000, OutboxTest::size);
        StepVerifier.create(outbox.frames(), 0)
                .then(() -> {
                    outbox.offer(new ServerFrame.ReplyStart(M, C, null));
                    outbox.offer(new ServerFrame.ReplyDelta(M, C, "a"));
                    outbox.offer(new ServerFrame.ReplyDelta(M, C, "b"));
                    outbox.offer(new ServerFrame.ReplyDelta(M, C, "c"));
                    outbox.offer(new ServerFrame.Pong(null));
                    outbox.offer(new ServerFrame.ReplyDelta(M, C, "d"));
                })
                .thenRequest(10)
                .assertNext(f -> assertThat(f).isInstanceOf(ServerFrame.ReplyStart.class))
                .assertNext(f -> assertThat(((ServerFrame.ReplyDelta) f).text()).isEqualTo("abc"))
                .assertNext(f -> assertThat(f).isInstanceOf(ServerFrame.Pong.class))
                .assertNext(f -> assertThat(((ServerFrame.ReplyDelta) f).text()).isEqualTo("d"))
                .then(outbox::close)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aReaderThatFallsBehindPastTheLimitIsRefused() {
        Outbox outbox = new Outbox(25, OutboxTest::size);
        StepVerifier.create(outbox.frames(), 0)
                .then(() -> {
                    assertThat(outbox.offer(new ServerFrame.Pong(null))).isTrue();
                    assertThat(outbox.offer(new ServerFrame.Pong(null))).isTrue();
                    assertThat(outbox.offer(new ServerFrame.Pong(null))).isFalse();
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void framesWrittenFreeTheirRoom() {
        Outbox outbox = new Outbox(25, OutboxTest::size);
        StepVerifier.create(outbox.frames())
                .then(() -> {
                    for (int i = 0; i < 10; i++) {
                        assertThat(outbox.offer(new ServerFrame.Pong(null))).isTrue();
                    }
                })
                .expectNextCount(10)
                .then(() -> assertThat(outbox.pending()).isZero())
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }
}
