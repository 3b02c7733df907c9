package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryPorts;
import io.parley.core.testing.ScriptedResponder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Several nodes (engines) sharing one log, bus and reply store: the replies of a node that stops renewing
 * its leases (dead, or paused) are ended by exactly one other node and answered again at most once.
 * The nodes never renew on their own here (hour-long renewal): the test moves the leases' clock.
 */
class ReplyTakeoverTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofHours(2);

    private final InMemoryPorts mem = new InMemoryPorts();
    private final ScriptedResponder scripted = new ScriptedResponder();
    private final VisitorTokens tokens = new VisitorTokens(new byte[32], List.of(), Duration.ofDays(1),
            () -> Instant.parse("2026-01-01T00:00:00Z"));
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    private ConversationEngine node(String id) {
        EngineSettings settings = new EngineSettings(16_000, Duration.ofSeconds(5),
                new EngineSettings.ReplyLeases(id, LEASE, Duration.ofHours(1), LEASE));
        return new ConversationEngine(mem.ports(), tokens, bot -> scripted, settings,
                botId -> botId.equals(Fixtures.BOT_ID) ? Mono.just(Fixtures.key().bot()) : Mono.empty());
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Posts a question on {@code node} and streams "partial " of its reply; the reply's id. */
    private Asked ask(ConversationEngine node) {
        VisitorSession session = node.startVisitor(Fixtures.key(), new ClientFrame.Hello(null, null, null), "203.0.113.5")
                .block(WAIT).session();
        ServerFrame.Ack ack = (ServerFrame.Ack) node.post(session, new ClientFrame.PostMessage("q1", "question?"))
                .block(WAIT);
        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext("partial ");
        await().atMost(WAIT).until(() -> mem.bus.published.stream().anyMatch(LiveSignal.ReplyDelta.class::isInstance));
        MessageId replyId = starts().get(0).messageId();
        return new Asked(ack.conversationId(), ack.messageId(), replyId, reply);
    }

    private record Asked(ConversationId conversationId, MessageId questionId, MessageId replyId,
                         Sinks.Many<String> reply) {
    }

    private List<LiveSignal.ReplyStart> starts() {
        return mem.bus.published.stream().filter(LiveSignal.ReplyStart.class::isInstance)
                .map(LiveSignal.ReplyStart.class::cast).toList();
    }

    private List<LiveSignal.ReplyEnd> ends() {
        return mem.bus.published.stream().filter(LiveSignal.ReplyEnd.class::isInstance)
                .map(LiveSignal.ReplyEnd.class::cast).toList();
    }

    private StoredEvent.Message stored(ConversationId c, int index) {
        return (StoredEvent.Message) mem.log.all(c).get(index);
    }

    @Test
    void aReplyWhoseLeaseRanOutIsStoredInterruptedByExactlyOneOfTheRacingNodesAndAnsweredAgainOnce() throws Exception {
        ConversationEngine dead = node("n_dead");
        Asked asked = ask(dead);
        List<ConversationEngine> survivors = List.of(node("n_b"), node("n_c"), node("n_d"), node("n_e"));

        mem.replies.advance(LEASE);
        List<Future<Long>> sweeps = pool.invokeAll(survivors.stream()
                .map(s -> (Callable<Long>) () -> s.takeOverOrphanedReplies().block(WAIT)).toList());

        long takenOver = 0;
        for (Future<Long> sweep : sweeps) {
            takenOver += sweep.get(5, TimeUnit.SECONDS);
        }
        assertThat(takenOver).isEqualTo(1);
        StoredEvent.Message interrupted = stored(asked.conversationId(), 1);
        assertThat(interrupted.messageId()).isEqualTo(asked.replyId());
        assertThat(interrupted.text()).isEqualTo("partial ");
        assertThat(interrupted.finish()).isEqualTo(Finish.INTERRUPTED);
        assertThat(ends()).singleElement().satisfies(end -> {
            assertThat(end.messageId()).isEqualTo(asked.replyId());
            assertThat(end.finish()).isEqualTo(Finish.INTERRUPTED);
            assertThat(end.seq()).isEqualTo(2);
            assertThat(end.length()).isEqualTo("partial ".length());
        });

        Sinks.Many<String> again = scripted.nextReply();
        again.tryEmitNext("a whole answer");
        again.tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(asked.conversationId()).size() == 3);
        assertThat(stored(asked.conversationId(), 2).text()).isEqualTo("a whole answer");
        assertThat(stored(asked.conversationId(), 2).finish()).isEqualTo(Finish.STOP);
        assertThat(starts()).hasSize(2);
        for (ConversationEngine survivor : survivors) {
            assertThat(survivor.takeOverOrphanedReplies().block(WAIT)).isZero();
        }
    }

    @Test
    void aNodeThatComesBackAfterItsReplyWasTakenOverStopsAndStoresNothing() {
        ConversationEngine paused = node("n_paused");
        Asked asked = ask(paused);
        mem.replies.advance(LEASE);
        assertThat(node("n_b").takeOverOrphanedReplies().block(WAIT)).isEqualTo(1);
        int deltasBefore = (int) mem.bus.published.stream().filter(LiveSignal.ReplyDelta.class::isInstance).count();

        asked.reply().tryEmitNext("more from the paused node");
        asked.reply().tryEmitComplete();
        await().atMost(WAIT).until(() -> paused.repliesInFlight() == 0);

        assertThat(stored(asked.conversationId(), 1).text()).isEqualTo("partial ");
        assertThat(stored(asked.conversationId(), 1).finish()).isEqualTo(Finish.INTERRUPTED);
        assertThat(ends()).singleElement().satisfies(end -> assertThat(end.finish()).isEqualTo(Finish.INTERRUPTED));
        assertThat(mem.bus.published.stream().filter(LiveSignal.ReplyDelta.class::isInstance)).hasSize(deltasBefore);
    }

    @Test
    void whenTheNewAnswerDiesTooItIsEndedButTheQuestionIsNotAnsweredAThirdTime() {
        Asked asked = ask(node("n_first"));
        mem.replies.advance(LEASE);
        assertThat(node("n_second").takeOverOrphanedReplies().block(WAIT)).isEqualTo(1);
        scripted.nextReply().tryEmitNext("second try, ");
        await().atMost(WAIT).until(() -> mem.bus.published.stream().filter(LiveSignal.ReplyDelta.class::isInstance)
                .count() == 2);

        mem.replies.advance(LEASE);
        assertThat(node("n_third").takeOverOrphanedReplies().block(WAIT)).isEqualTo(1);

        await().atMost(WAIT).until(() -> mem.log.all(asked.conversationId()).size() == 3);
        assertThat(stored(asked.conversationId(), 2).finish()).isEqualTo(Finish.INTERRUPTED);
        assertThat(stored(asked.conversationId(), 2).text()).isEqualTo("second try, ");
        assertThat(ends()).hasSize(2);
        assertThat(starts()).hasSize(2);
    }

    @Test
    void aDrainingNodeDeliversTheRepliesThatEndInTimeAndHandsTheOthersOver() {
        ConversationEngine stopping = node("n_stopping");
        Asked asked = ask(stopping);

        Mono<Void> drain = stopping.drain(Duration.ofMillis(300));
        StepVerifier.create(drain)
                .then(() -> asked.reply().tryEmitNext("finished in time"))
                .then(() -> asked.reply().tryEmitComplete())
                .expectComplete()
                .verify(WAIT);
        assertThat(stored(asked.conversationId(), 1).finish()).isEqualTo(Finish.STOP);
        assertThat(stored(asked.conversationId(), 1).text()).isEqualTo("partial finished in time");
        assertThat(stopping.takeOverOrphanedReplies().block(WAIT)).as("a draining node takes nothing over").isZero();
    }

    @Test
    void aNodeStartedAgainAfterDrainingTakesOrphanedRepliesOverAgain() {
        ConversationEngine restarted = node("n_restarted");
        StepVerifier.create(restarted.drain(Duration.ofMillis(10))).expectComplete().verify(WAIT);
        Asked asked = ask(node("n_dying"));
        mem.replies.advance(LEASE.plusSeconds(1));
        assertThat(restarted.takeOverOrphanedReplies().block(WAIT)).as("still draining").isZero();

        restarted.resume();

        assertThat(restarted.takeOverOrphanedReplies().block(WAIT)).isEqualTo(1);
        assertThat(stored(asked.conversationId(), 1).finish()).isEqualTo(Finish.INTERRUPTED);
    }

    @Test
    void aReplyStillStreamingAtTheDrainDeadlineIsHandedOverToAnotherNode() {
        ConversationEngine stopping = node("n_stopping");
        Asked asked = ask(stopping);

        StepVerifier.create(stopping.drain(Duration.ofMillis(100))).expectComplete().verify(WAIT);

        assertThat(mem.log.all(asked.conversationId())).as("only the question").hasSize(1);
        assertThat(mem.replies.holder(asked.replyId())).isNull();
        assertThat(node("n_b").takeOverOrphanedReplies().block(WAIT)).isEqualTo(1);
        assertThat(stored(asked.conversationId(), 1).finish()).isEqualTo(Finish.INTERRUPTED);
        assertThat(stored(asked.conversationId(), 1).text()).isEqualTo("partial ");
        scripted.nextReply().tryEmitComplete();
        await().atMost(WAIT).until(() -> starts().size() == 2);
    }

    @Test
    void aLiveLeaseIsNotTakenOver() {
        Asked asked = ask(node("n_alive"));
        mem.replies.advance(LEASE.minusSeconds(1));

        assertThat(node("n_b").takeOverOrphanedReplies().block(WAIT)).isZero();
        assertThat(mem.replies.holder(asked.replyId())).isEqualTo("n_alive");
        asked.reply().tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(asked.conversationId()).size() == 2);
        assertThat(stored(asked.conversationId(), 1).finish()).isEqualTo(Finish.STOP);
    }
}
