package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.BotLimits;
import io.parley.core.model.Conversation;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryPorts;
import io.parley.core.testing.ScriptedResponder;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The reply runner's own decisions, apart from the engine that calls it. */
class ReplyRunnerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryPorts mem = new InMemoryPorts();
    private final ScriptedResponder scripted = new ScriptedResponder();
    private final ReplyRunner runner = new ReplyRunner(mem.log, mem.conversations, mem.bus, mem.replies, mem.ids,
            bot -> scripted, EngineSettings.DEFAULTS);

    @Test
    void aReplyWhoseConversationAHumanTookOverSinceTheEngineDecidedToAnswerSaysNothing() {
        Conversation conversation = Objects.requireNonNull(mem.conversations
                .openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, new VisitorId("v_taken")).block(WAIT));
        // the takeover lands between the engine's check and the reply's start: its cancel found no reply
        mem.conversations.humanHandling(conversation.id(), true);

        StepVerifier.create(runner.reply(Fixtures.bot(BotLimits.DEFAULTS), conversation.id(), new MessageId("m_question"),
                        "anyone there?"))
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        assertThat(mem.bus.published).noneMatch(signal -> signal instanceof LiveSignal.ReplyStart
                || signal instanceof LiveSignal.ReplyDelta || signal instanceof LiveSignal.ReplyEnd);
        assertThat(mem.log.all(conversation.id())).as("nothing stored").isEmpty();
        StepVerifier.create(mem.replies.live(conversation.id())).as("no live reply left behind").expectComplete()
                .verify(WAIT);
    }

    @Test
    void leaseRenewalsSlowerThanTheirIntervalDoNotFailTheReply() {
        ReplyRunner quickRenewals = new ReplyRunner(mem.log, mem.conversations, mem.bus, mem.replies, mem.ids,
                bot -> scripted, new EngineSettings(16_000, Duration.ofSeconds(5), new EngineSettings.ReplyLeases(
                        "n_slow", Duration.ofSeconds(30), Duration.ofMillis(20), Duration.ofSeconds(30))));
        mem.replies.renewDelay.set(Duration.ofMillis(150));
        Conversation conversation = Objects.requireNonNull(mem.conversations
                .openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, new VisitorId("v_slow_redis")).block(WAIT));

        StepVerifier.create(quickRenewals.reply(Fixtures.bot(BotLimits.DEFAULTS), conversation.id(),
                                new MessageId("m_question"), "still there?"))
                .then(() -> {
                    Sinks.Many<String> reply = scripted.nextReply();
                    reply.tryEmitNext("Yes, ");
                    // each renewal takes 150 ms while ticks come every 20 ms: by the third, ticks were due meanwhile
                    await().atMost(WAIT).until(() -> mem.replies.renewals.get() >= 3);
                    reply.tryEmitNext("still here.");
                    reply.tryEmitComplete();
                })
                .expectNextCount(1)
                .expectComplete()
                .verify(WAIT);

        StoredEvent.Message stored = (StoredEvent.Message) mem.log.all(conversation.id()).get(0);
        assertThat(stored.text()).isEqualTo("Yes, still here.");
        assertThat(stored.finish()).isEqualTo(Finish.STOP);
    }

    @Test
    void aReplyInABotHandledConversationStreamsAndIsStored() {
        Conversation conversation = Objects.requireNonNull(mem.conversations
                .openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, new VisitorId("v_bot")).block(WAIT));
        var stored = runner.reply(Fixtures.bot(BotLimits.DEFAULTS), conversation.id(), new MessageId("m_question"), "hi")
                .toFuture();
        var reply = scripted.nextReply();
        reply.tryEmitNext("hello");
        reply.tryEmitComplete();

        assertThat(stored).succeedsWithin(WAIT);
        assertThat(mem.bus.published).anyMatch(LiveSignal.ReplyStart.class::isInstance)
                .anyMatch(LiveSignal.ReplyEnd.class::isInstance);
        assertThat(mem.log.all(conversation.id())).hasSize(1);
    }

    @Test
    void followersGetTheStartThenEachPieceOnceInOrderWithItsOffsetThenTheEnd() {
        Conversation conversation = Objects.requireNonNull(mem.conversations
                .openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, new VisitorId("v_order")).block(WAIT));
        var stored = runner.reply(Fixtures.bot(BotLimits.DEFAULTS), conversation.id(), new MessageId("m_question"), "hi")
                .toFuture();
        var reply = scripted.nextReply();
        reply.tryEmitNext("Hel");
        reply.tryEmitNext("lo");
        reply.tryEmitComplete();

        assertThat(stored).succeedsWithin(WAIT);
        MessageId replyId = stored.join();
        assertThat(mem.bus.published).containsExactly(
                new LiveSignal.ReplyStart(conversation.id(), replyId, Fixtures.bot(BotLimits.DEFAULTS).author()),
                new LiveSignal.ReplyDelta(conversation.id(), replyId, 0, "Hel"),
                new LiveSignal.ReplyDelta(conversation.id(), replyId, 3, "lo"),
                new LiveSignal.ReplyEnd(conversation.id(), replyId, 1, Finish.STOP, 5));
    }

    @Test
    void piecesAfterTheLeaseWasTakenAreMarkedHeldSoThisNodesFollowersNeedNotWaitForRedis() {
        // a lease long enough that half of it cannot run out during the test, however slow the machine
        ReplyRunner longLeases = new ReplyRunner(mem.log, mem.conversations, mem.bus, mem.replies, mem.ids,
                bot -> scripted, new EngineSettings(16_000, Duration.ofSeconds(5), new EngineSettings.ReplyLeases(
                        "n_held", Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(10))));

        replyHello(longLeases, "v_held");

        assertThat(mem.replies.leaseHeld).containsExactly(true, true);
    }

    @Test
    void whenTheLeaseCouldNotBeTakenNoPieceIsMarkedHeld() {
        mem.replies.failingBegin.set(true);

        replyHello(runner, "v_unsure");

        assertThat(mem.replies.leaseHeld).containsExactly(false, false);
    }

    /** A reply of two pieces in a new conversation of {@code visitor}, streamed and stored. */
    private void replyHello(ReplyRunner replies, String visitor) {
        Conversation conversation = Objects.requireNonNull(mem.conversations
                .openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, new VisitorId(visitor)).block(WAIT));
        var stored = replies.reply(Fixtures.bot(BotLimits.DEFAULTS), conversation.id(), new MessageId("m_" + visitor),
                "hi").toFuture();
        var reply = scripted.nextReply();
        reply.tryEmitNext("Hel");
        reply.tryEmitNext("lo");
        reply.tryEmitComplete();
        assertThat(stored).succeedsWithin(WAIT);
    }
}
