package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.BOT;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.VISITOR;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.delta;
import static io.parley.persistence.redis.RedisTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.ReplyStreams.LeaseLostException;
import io.parley.core.port.ReplyStreams.LiveReply;
import io.parley.core.protocol.LiveSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A piece appended with {@link ReplyStreams#appendAndAnnounce} reaches the conversation's followers through the
 * real {@link RedisEventBus}, and only when it was appended. That nothing was announced is shown without waiting:
 * a marker published afterwards on the same command connection arrives right after {@code Subscribed}, which it
 * could not if the refused append had published anything before it.
 */
class RedisReplyAnnouncementTest extends TwoRedisNodesTest {
    private final MessageId m = message();
    private final ReplyStreams.Origin origin = origin();

    @Test
    void eachAppendedPieceReachesFollowersOnEveryNodeAsAReplyDeltaWithItsOffsetAndText() {
        LiveSignal.ReplyDelta first = delta(c, m, 0, "héllo ");
        LiveSignal.ReplyDelta second = delta(c, m, 6, "👋 \"wörld\"\n");
        replies.begin(c, m, BOT, origin, LEASE).block(TIMEOUT);

        StepVerifier.create(Flux.merge(
                        bus.subscribe(c).take(3).map(signal -> Map.entry("this node", signal)),
                        otherNode.eventBus().subscribe(c).take(3).map(signal -> Map.entry("other node", signal))))
                .expectNextCount(2)
                .then(() -> {
                    assertThat(replies.appendAndAnnounce(first, NODE).block(TIMEOUT)).isEqualTo(6L);
                    assertThat(replies.appendAndAnnounce(second, NODE).block(TIMEOUT)).isEqualTo(17L);
                })
                .recordWith(ArrayList::new)
                .expectNextCount(4)
                .consumeRecordedWith(received -> {
                    for (String follower : List.of("this node", "other node")) {
                        assertThat(received.stream().filter(e -> e.getKey().equals(follower)).map(Map.Entry::getValue))
                                .as(follower)
                                .containsExactly(first, second);
                    }
                })
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(replies.live(c))
                .expectNext(new LiveReply(m, BOT, "héllo 👋 \"wörld\"\n"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aPieceFromANodeThatLostTheLeaseIsNeitherAppendedNorAnnounced() {
        LiveSignal marker = new LiveSignal.Typing(c, VISITOR, true);
        replies.begin(c, m, BOT, origin, LEASE)
                .then(replies.appendAndAnnounce(delta(c, m, 0, "kept"), NODE))
                .block(TIMEOUT);

        StepVerifier.create(otherNode.eventBus().subscribe(c).take(2))
                .expectNext(SUBSCRIBED)
                .then(() -> {
                    StepVerifier.create(otherNode.replyStreams().appendAndAnnounce(delta(c, m, 4, " stale"), "n_paused"))
                            .expectError(LeaseLostException.class)
                            .verify(TIMEOUT);
                    bus.publish(c, marker).block(TIMEOUT);
                })
                .expectNext(marker)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(admin.get(prefix + "{" + c.value() + "}:reply:" + m.value())).isEqualTo("kept");
    }

    @Test
    void aPieceOfAReplyNeverBegunOrAlreadyEndedIsNotAnnounced() {
        MessageId ended = message();
        LiveSignal marker = new LiveSignal.Typing(c, VISITOR, false);
        replies.begin(c, ended, BOT, origin, LEASE).then(replies.end(c, ended)).block(TIMEOUT);

        StepVerifier.create(bus.subscribe(c).take(2))
                .expectNext(SUBSCRIBED)
                .then(() -> {
                    StepVerifier.create(replies.appendAndAnnounce(delta(c, m, 0, "never begun"), NODE))
                            .expectError(IllegalStateException.class)
                            .verify(TIMEOUT);
                    StepVerifier.create(replies.appendAndAnnounce(delta(c, ended, 0, "too late"), NODE))
                            .expectError(IllegalStateException.class)
                            .verify(TIMEOUT);
                    bus.publish(c, marker).block(TIMEOUT);
                })
                .expectNext(marker)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aStartPublishedThroughTheBusIsNotOvertakenByAPieceAppendedWithoutWaitingForIt() {
        for (int round = 0; round < 20; round++) {
            ConversationId conversation = conversation();
            MessageId reply = message();
            LiveSignal start = new LiveSignal.ReplyStart(conversation, reply, BOT);
            LiveSignal.ReplyDelta piece = delta(conversation, reply, 0, "first");
            replies.begin(conversation, reply, BOT, origin, LEASE).block(TIMEOUT);

            StepVerifier.create(otherNode.eventBus().subscribe(conversation).take(3))
                    .expectNext(SUBSCRIBED)
                    .then(() -> Mono.when(bus.publish(conversation, start),
                            replies.appendAndAnnounce(piece, NODE)).block(TIMEOUT))
                    .expectNext(start, piece)
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }
}
