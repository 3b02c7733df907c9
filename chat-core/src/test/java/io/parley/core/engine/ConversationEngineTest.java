package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.BotLimits;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.MessageId;
import io.parley.core.model.RateLimit;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.WidgetKey;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.Responder;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.responder.KnowledgeBaseResponder;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryPorts;
import io.parley.core.testing.ScriptedResponder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class ConversationEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryPorts mem = new InMemoryPorts();
    private final ScriptedResponder scripted = new ScriptedResponder();
    private final VisitorTokens tokens = new VisitorTokens(new byte[32], List.of(), Duration.ofDays(1),
            () -> Instant.parse("2026-01-01T00:00:00Z"));

    private ConversationEngine engine() {
        return new ConversationEngine(mem.ports(), tokens, bot -> scripted, EngineSettings.DEFAULTS);
    }

    private ConversationEngine engineWithLimiter(RateLimiter limiter) {
        EnginePorts ports = mem.ports();
        return new ConversationEngine(new EnginePorts(ports.log(), ports.conversations(), ports.visitors(),
                ports.identities(), ports.bus(), ports.replies(), limiter, ports.ids(), ports.clock()),
                tokens, bot -> scripted, EngineSettings.DEFAULTS);
    }

    private VisitorSession start(ConversationEngine engine, WidgetKey key) {
        return engine.startVisitor(key, new ClientFrame.Hello(null, null, null), "203.0.113.5").block(WAIT).session();
    }

    private ServerFrame.Ack post(ConversationEngine engine, VisitorSession session, String clientMsgId, String text) {
        ServerFrame frame = engine.post(session, new ClientFrame.PostMessage(clientMsgId, text)).block(WAIT);
        assertThat(frame).isInstanceOf(ServerFrame.Ack.class);
        return (ServerFrame.Ack) frame;
    }

    @Test
    void answersAMessageWithAStreamedReplyStoredUnderTheNextSeq() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ServerFrame.Ack ack = post(engine, session, "a1", "How do I embed the widget?");
        assertThat(ack.seq()).isEqualTo(1);

        StepVerifier.create(followed(engine, ack.conversationId(), 0))
                .assertNext(s -> assertThat(((LiveSignal.Stored) s).event().seq()).isEqualTo(1))
                .then(() -> {
                    Sinks.Many<String> reply = scripted.nextReply();
                    reply.tryEmitNext("Add one ");
                    reply.tryEmitNext("script tag.");
                    reply.tryEmitComplete();
                })
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.ReplyStart.class))
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("Add one "))
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("script tag."))
                .assertNext(s -> {
                    LiveSignal.ReplyEnd end = (LiveSignal.ReplyEnd) s;
                    assertThat(end.seq()).isEqualTo(2);
                    assertThat(end.finish()).isEqualTo(Finish.STOP);
                })
                .thenCancel()
                .verify(WAIT);

        StoredEvent.Message stored = (StoredEvent.Message) mem.log.all(ack.conversationId()).get(1);
        assertThat(stored.text()).isEqualTo("Add one script tag.");
        assertThat(stored.finish()).isEqualTo(Finish.STOP);
    }

    @Test
    void theSameClientMsgIdThreeTimesStoresOneMessageAndGetsTheSameAck() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ServerFrame.Ack first = post(engine, session, "dup-1", "hello?");
        ServerFrame.Ack second = post(engine, session, "dup-1", "hello?");
        ServerFrame.Ack third = post(engine, session, "dup-1", "hello?");

        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(mem.log.all(first.conversationId()).stream()
                .filter(e -> e instanceof StoredEvent.Message m && "dup-1".equals(m.clientMsgId()))).hasSize(1);
        assertThat(mem.bus.published.stream().filter(s -> s instanceof LiveSignal.Stored)).hasSize(1);
    }

    @Test
    void aReaderResumingAfterASeqGetsEveryLaterEventOnceInOrderBeforeLiveOnes() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "r1", "one").conversationId();
        finishReply("answer one");
        post(engine, session, "r2", "two");
        finishReply("answer two");
        awaitSeq(c, 4);

        StepVerifier.create(followed(engine, c, 1).map(ConversationEngineTest::seqOf))
                .expectNext(2L, 3L, 4L)
                .then(() -> post(engine, session, "r3", "three"))
                .expectNext(5L)
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void aStoredEventAheadOfItsPredecessorsMakesTheReaderFetchTheMissingOnes() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "g1", "one").conversationId();
        mem.bus.failing.set(true);
        MessageId id = mem.ids.messageId();
        mem.log.appendReply(c, id, session.bot().author(), "lost on the bus", Finish.STOP).block(WAIT);
        StoredEvent third = mem.log.appendHandoff(c, HandoffState.REQUESTED, null).block(WAIT);
        mem.bus.failing.set(false);

        StepVerifier.create(followed(engine, c, 1).map(ConversationEngineTest::seqOf))
                .expectNext(2L, 3L)
                .then(() -> mem.bus.publish(c, new LiveSignal.Stored(third)).block(WAIT))
                .expectNoEvent(Duration.ofMillis(100))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void aLiveStoredEventWithAGapIsPrecededByTheEventsTheBusLost() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "h1", "one").conversationId();
        scripted.nextReply().tryEmitComplete();
        awaitSeq(c, 2);
        AtomicReference<StoredEvent> handoff = new AtomicReference<>();

        StepVerifier.create(followed(engine, c, 2).map(ConversationEngineTest::seqOf))
                .then(() -> {
                    mem.bus.failing.set(true);
                    mem.log.appendHandoff(c, HandoffState.REQUESTED, null).block(WAIT);
                    handoff.set(mem.log.appendHandoff(c, HandoffState.RELEASED, null).block(WAIT));
                    mem.bus.failing.set(false);
                    mem.bus.publish(c, new LiveSignal.Stored(handoff.get())).block(WAIT);
                })
                .expectNext(3L, 4L)
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void aReaderJoiningMidReplyGetsTheTextSoFarInOneDeltaThenTheRestLive() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "m1", "tell me").conversationId();
        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext("Hello ");
        reply.tryEmitNext("there, ");
        awaitPublished(3);

        StepVerifier.create(followed(engine, c, 1))
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.ReplyStart.class))
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("Hello there, "))
                .then(() -> {
                    reply.tryEmitNext("friend.");
                    reply.tryEmitComplete();
                })
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("friend."))
                .assertNext(s -> assertThat(((LiveSignal.ReplyEnd) s).seq()).isEqualTo(2))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void cancelStopsTheReplyAndStoresWhatItHadAsCancelled() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "c1", "long story please").conversationId();
        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext("Once upon ");
        awaitPublished(3);
        MessageId replyId = ((LiveSignal.ReplyStart) mem.bus.published.get(1)).messageId();

        StepVerifier.create(engine.cancel(session, replyId)).expectComplete().verify(WAIT);
        awaitSeq(c, 2);

        StoredEvent.Message stored = (StoredEvent.Message) mem.log.all(c).get(1);
        assertThat(stored.finish()).isEqualTo(Finish.CANCELLED);
        assertThat(stored.text()).isEqualTo("Once upon ");
        StepVerifier.create(engine.cancel(session, replyId))
                .assertNext(f -> assertThat(((ServerFrame.Error) f).code()).isEqualTo(ErrorCodes.NOTHING_TO_CANCEL))
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void aVisitorCannotCancelAReplyOfAnotherConversation() {
        ConversationEngine engine = engine();
        VisitorSession owner = start(engine, Fixtures.key());
        ConversationId c = post(engine, owner, "own", "tell me more").conversationId();
        scripted.nextReply().tryEmitNext("Part one ");
        awaitPublished(3);
        MessageId replyId = ((LiveSignal.ReplyStart) mem.bus.published.get(1)).messageId();
        VisitorSession stranger = start(engine, Fixtures.key());
        post(engine, stranger, "other", "hi");

        StepVerifier.create(engine.cancel(stranger, replyId))
                .assertNext(f -> assertThat(((ServerFrame.Error) f).code()).isEqualTo(ErrorCodes.NOTHING_TO_CANCEL))
                .expectComplete()
                .verify(WAIT);
        assertThat(mem.log.all(c)).hasSize(1);
    }

    @Test
    void aReaderShownAStreamedReplyGetsItsEndEvenWhenALaterEventOvertakesIt() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "o1", "tell me").conversationId();
        Sinks.Many<String> reply = scripted.nextReply();

        StepVerifier.create(followed(engine, c, 1))
                .then(() -> reply.tryEmitNext("Hello "))
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.ReplyStart.class))
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("Hello "))
                .then(() -> {
                    mem.bus.failing.set(true);
                    reply.tryEmitNext("world");
                    reply.tryEmitComplete();
                    awaitSeq(c, 2);
                    mem.bus.failing.set(false);
                    post(engine, session, "o2", "and then?");
                })
                .assertNext(s -> assertThat(((LiveSignal.ReplyDelta) s).text()).isEqualTo("world"))
                .assertNext(s -> assertThat(((LiveSignal.ReplyEnd) s).seq()).isEqualTo(2))
                .assertNext(s -> assertThat(((LiveSignal.Stored) s).event().seq()).isEqualTo(3))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void aMessageStoredAfterItsSenderWentAwayIsStillAnnouncedAndAnswered() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        post(engine, session, "g0", "first");
        scripted.nextReply().tryEmitComplete();
        awaitPublished(3);
        int before = mem.bus.published.size();
        mem.log.appendDelay.set(Duration.ofMillis(200));

        engine.post(session, new ClientFrame.PostMessage("g1", "are you there?")).subscribe().dispose();

        scripted.nextReply().tryEmitNext("yes");
        await().atMost(WAIT).untilAsserted(() -> {
            List<LiveSignal> published = List.copyOf(mem.bus.published);
            assertThat(published.subList(before, published.size()))
                    .anySatisfy(s -> assertThat(s).isInstanceOf(LiveSignal.Stored.class))
                    .anySatisfy(s -> assertThat(s).isInstanceOf(LiveSignal.ReplyDelta.class));
        });
    }

    @Test
    void askingForAHumanTwiceStoresOneHandoff() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        StepVerifier.create(engine.requestHandoff(session)).expectComplete().verify(WAIT);
        StepVerifier.create(engine.requestHandoff(session)).expectComplete().verify(WAIT);
        assertThat(mem.log.all(session.conversation().id())).hasSize(1);
    }

    @Test
    void aDatabaseErrorGivesStoreFailedAndTheSameClientMsgIdCanBeSentAgain() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        mem.log.failing.set(true);
        ServerFrame refused = engine.post(session, new ClientFrame.PostMessage("x1", "are you there?")).block(WAIT);
        assertThat(refused).isInstanceOf(ServerFrame.Error.class);
        assertThat(((ServerFrame.Error) refused).code()).isEqualTo(ErrorCodes.STORE_FAILED);
        assertThat(((ServerFrame.Error) refused).clientMsgId()).isEqualTo("x1");

        mem.log.failing.set(false);
        ServerFrame.Ack ack = post(engine, session, "x1", "are you there?");
        assertThat(ack.seq()).isEqualTo(1);
    }

    @Test
    void aBusOutageStillStoresAndAcksTheMessage() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        mem.bus.failing.set(true);
        ServerFrame.Ack ack = post(engine, session, "b1", "hello anyone");
        assertThat(mem.log.all(ack.conversationId())).hasSize(1);
    }

    @Test
    void messagesOverTheVisitorLimitAreRefusedWithRetryAfterAndNotStored() {
        BotLimits limits = new BotLimits(new RateLimit(2, Duration.ofSeconds(10)), RateLimit.UNLIMITED,
                RateLimit.UNLIMITED);
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key(limits));
        ConversationId c = post(engine, session, "l1", "one").conversationId();
        post(engine, session, "l2", "two");
        ServerFrame refused = engine.post(session, new ClientFrame.PostMessage("l3", "three")).block(WAIT);

        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.RATE_LIMITED);
            assertThat(e.retryAfterMs()).isPositive();
            assertThat(e.clientMsgId()).isEqualTo("l3");
        });
        assertThat(mem.log.all(c).stream().filter(e -> e instanceof StoredEvent.Message m && "l3".equals(m.clientMsgId())))
                .isEmpty();
    }

    @Test
    void aMessageRefusedByTheKeyAndAddressLimitUsesNoPermitOfTheVisitorsLimitInOneDecisionPerMessage() {
        BotLimits limits = new BotLimits(new RateLimit(2, Duration.ofSeconds(10)), new RateLimit(2, Duration.ofMinutes(1)),
                RateLimit.UNLIMITED);
        WidgetKey key = Fixtures.key(limits);
        ConversationEngine engine = engine();
        VisitorSession visitor = start(engine, key);
        VisitorSession neighbour = start(engine, key);
        post(engine, visitor, "v1", "one");
        post(engine, neighbour, "n1", "the address's second and last");

        ServerFrame refused = engine.post(visitor, new ClientFrame.PostMessage("v2", "two")).block(WAIT);
        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.RATE_LIMITED);
            assertThat(e.retryAfterMs()).isEqualTo(Duration.ofMinutes(1).toMillis());
        });

        // from another address the visitor still has the permit the refused message did not use
        VisitorSession elsewhere = engine.startVisitor(key, new ClientFrame.Hello(visitor.visitorToken(), null, null),
                "198.51.100.7").block(WAIT).session();
        assertThat(elsewhere.visitorId()).isEqualTo(visitor.visitorId());
        post(engine, elsewhere, "v3", "three");
        assertThat(engine.post(elsewhere, new ClientFrame.PostMessage("v4", "four")).block(WAIT))
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.RATE_LIMITED));
        assertThat(mem.rateLimiter.decisions).as("one decision per message").hasValue(5);
    }

    @Test
    void aForgedVisitorTokenIsRefusedAsNotAuthenticated() {
        StepVerifier.create(engine().startVisitor(Fixtures.key(),
                        new ClientFrame.Hello("v1.v_x.w_test.99999999999.forged", null, null), "203.0.113.5"))
                .expectErrorSatisfies(e -> assertThat(((SessionRefusedException) e).closeCode())
                        .isEqualTo(CloseCodes.NOT_AUTHENTICATED))
                .verify(WAIT);
    }

    @Test
    void anotherVisitorsConversationIsForbidden() {
        ConversationEngine engine = engine();
        ConversationId theirs = post(engine, start(engine, Fixtures.key()), "o1", "mine").conversationId();
        StepVerifier.create(engine.startVisitor(Fixtures.key(), new ClientFrame.Hello(null, theirs, 0L), "203.0.113.9"))
                .expectErrorSatisfies(e -> assertThat(((SessionRefusedException) e).closeCode())
                        .isEqualTo(CloseCodes.FORBIDDEN))
                .verify(WAIT);
    }

    @Test
    void aReturningVisitorGetsItsOpenConversationAndLastSeq() {
        ConversationEngine engine = engine();
        VisitorSession first = start(engine, Fixtures.key());
        ConversationId c = post(engine, first, "t1", "hi").conversationId();
        ConversationEngine.Started again = engine.startVisitor(Fixtures.key(),
                new ClientFrame.Hello(first.visitorToken(), null, null), "203.0.113.5").block(WAIT);

        assertThat(again.welcome().visitorId()).isEqualTo(first.visitorId());
        assertThat(again.welcome().conversationId()).isEqualTo(c);
        assertThat(again.welcome().lastSeq()).isEqualTo(1);
        assertThat(again.followFrom()).isEqualTo(1);
    }

    @Test
    void askingForAHumanStoresAHandoffAndTheBotStopsAnswering() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "h1", "I want a person").conversationId();
        scripted.nextReply().tryEmitComplete();
        awaitSeq(c, 2);

        StepVerifier.create(engine.requestHandoff(session)).expectComplete().verify(WAIT);
        post(engine, session, "h2", "still there?");

        List<StoredEvent> events = mem.log.all(c);
        assertThat(events).hasSize(4);
        assertThat(events.get(2)).isInstanceOfSatisfying(StoredEvent.Handoff.class,
                h -> assertThat(h.state()).isEqualTo(HandoffState.REQUESTED));
        assertThat(events.get(3)).isInstanceOfSatisfying(StoredEvent.Message.class,
                m -> assertThat(m.clientMsgId()).isEqualTo("h2"));
    }

    @Test
    void shutdownHandsRepliesInFlightOverToTheOtherNodes() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "s1", "question").conversationId();
        scripted.nextReply().tryEmitNext("partial ");
        awaitPublished(3);
        MessageId replyId = ((LiveSignal.ReplyStart) mem.bus.published.get(1)).messageId();

        StepVerifier.create(engine.drain(Duration.ZERO)).expectComplete().verify(WAIT);

        assertThat(mem.log.all(c)).as("the reply is left to the node that takes it over").hasSize(1);
        assertThat(mem.replies.holder(replyId)).isNull();
        StepVerifier.create(mem.replies.expired(10).map(r -> r.messageId()))
                .expectNext(replyId)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void theKnowledgeBaseBotAnswersFromTheMatchingEntryAndOffersAHumanOtherwise() {
        mem.knowledge.entries.add(new KnowledgeEntry("k1", Fixtures.BOT_ID, "Embedding the widget",
                "Paste the script tag before the closing body tag."));
        ConversationEngine engine = new ConversationEngine(mem.ports(), tokens,
                bot -> new KnowledgeBaseResponder(mem.knowledge, Duration.ZERO), EngineSettings.DEFAULTS);
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = post(engine, session, "k1", "how do I embed the widget?").conversationId();
        awaitSeq(c, 2);
        post(engine, session, "k2", "what is the weather on mars");
        awaitSeq(c, 4);

        assertThat(((StoredEvent.Message) mem.log.all(c).get(1)).text())
                .isEqualTo("Paste the script tag before the closing body tag.");
        assertThat(((StoredEvent.Message) mem.log.all(c).get(3)).text()).contains("talk to a person");
    }

    @Test
    void theBotIsAskedWhileTheMessageIsStoredAndPiecesItSaysMeanwhileAreStreamedInOrder() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        Sinks.Empty<Void> storing = Sinks.empty();
        mem.log.appendGate.set(storing.asMono());
        Sinks.One<ServerFrame> acked = Sinks.one();
        engine.post(session, new ClientFrame.PostMessage("e1", "quick question")).subscribe(acked::tryEmitValue);

        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext("Said ");
        reply.tryEmitNext("early.");
        assertThat(mem.bus.published).as("nothing is visible before the question is stored").isEmpty();
        storing.tryEmitEmpty();
        ConversationId c = ((ServerFrame.Ack) acked.asMono().block(WAIT)).conversationId();
        reply.tryEmitComplete();

        awaitSeq(c, 2);
        assertThat(((StoredEvent.Message) mem.log.all(c).get(1)).text()).isEqualTo("Said early.");
        assertThat(mem.bus.published.stream().filter(sig -> sig instanceof LiveSignal.ReplyDelta)
                .map(sig -> ((LiveSignal.ReplyDelta) sig).text())).containsExactly("Said ", "early.");
    }

    @Test
    void theBotIsAskedWhileTheCallerStartsFollowingAndTheMessageIsStoredOnlyOnceItFollows() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        Sinks.Empty<Void> following = Sinks.empty();
        List<ConversationId> followed = new CopyOnWriteArrayList<>();
        Sinks.One<ServerFrame> acked = Sinks.one();
        engine.post(session, new ClientFrame.PostMessage("o1", "quick question"), conversation -> {
            followed.add(conversation.id());
            return following.asMono();
        }).subscribe(acked::tryEmitValue);

        await().atMost(WAIT).until(() -> scripted.asked() == 1);
        assertThat(followed).as("given the conversation opened for the first message")
                .containsExactly(session.conversation().id());
        assertThat(mem.log.all(followed.get(0))).as("not stored before the caller follows").isEmpty();
        following.tryEmitEmpty();

        ServerFrame.Ack ack = (ServerFrame.Ack) acked.asMono().block(WAIT);
        assertThat(ack.conversationId()).isEqualTo(followed.get(0));
        assertThat(mem.log.all(ack.conversationId())).hasSize(1);
    }

    @Test
    void whenTheCallerCannotFollowTheAnswerAskedAheadIsCancelledAndNothingIsStored() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());

        ServerFrame refused = engine.post(session, new ClientFrame.PostMessage("c1", "hello?"), conversation -> {
            throw new CancellationException("the connection closed");
        }).block(WAIT);

        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCodes.STORE_FAILED));
        Sinks.Many<String> asked = scripted.nextReply();
        await().atMost(WAIT).until(() -> asked.currentSubscriberCount() == 0);
        assertThat(mem.log.all(session.conversation().id())).isEmpty();
    }

    @Test
    void aRateLimitedFirstMessageOpensNoConversationAndAsksNoBot() {
        BotLimits limits = new BotLimits(RateLimit.UNLIMITED, new RateLimit(1, Duration.ofSeconds(10)),
                RateLimit.UNLIMITED);
        ConversationEngine engine = engine();
        WidgetKey key = Fixtures.key(limits);
        post(engine, start(engine, key), "o1", "another visitor at the same address");
        finishReply("ok");
        int askedBefore = scripted.asked();
        VisitorSession session = start(engine, key);

        ServerFrame refused = engine.post(session, new ClientFrame.PostMessage("r1", "hello?"),
                conversation -> Mono.error(new AssertionError("followed " + conversation.id()))).block(WAIT);

        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCodes.RATE_LIMITED));
        assertThat(session.conversation()).isNull();
        assertThat(scripted.asked()).isEqualTo(askedBefore);
        assertThat(scripted.prepared()).last().satisfies(read -> {
            assertThat(read.question()).isEqualTo("hello?");
            assertThat(read.discarded()).isTrue();
        });
    }

    @Test
    void inANewConversationTheBotsReadsStartWhileTheRateLimitsDecideAndReachItsAnswer() {
        Sinks.Empty<Void> decide = Sinks.empty();
        ConversationEngine engine = engineWithLimiter(
                (group, limits) -> decide.asMono().then(mem.rateLimiter.tryAcquireAll(group, limits)));
        VisitorSession session = start(engine, Fixtures.key());

        Mono<ServerFrame> posted = engine.post(session, new ClientFrame.PostMessage("p1", "how much is shipping?")).cache();
        posted.subscribe();

        await().atMost(WAIT).until(() -> !scripted.prepared().isEmpty());
        assertThat(scripted.prepared()).extracting(ScriptedResponder.Read::question)
                .containsExactly("how much is shipping?");
        assertThat(scripted.asked()).as("the model is asked only once the message is admitted").isZero();
        decide.tryEmitEmpty();
        assertThat(posted.block(WAIT)).isInstanceOf(ServerFrame.Ack.class);
        assertThat(scripted.given()).as("the answer got the reads started for its question")
                .containsExactlyElementsOf(scripted.prepared());
    }

    @Test
    void inAnOpenConversationTheModelIsAskedWhileTheRateLimitsDecide() {
        Sinks.Empty<Void> decide = Sinks.empty();
        AtomicBoolean gated = new AtomicBoolean();
        ConversationEngine engine = engineWithLimiter((group, limits) -> gated.get()
                ? decide.asMono().then(mem.rateLimiter.tryAcquireAll(group, limits))
                : mem.rateLimiter.tryAcquireAll(group, limits));
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = answered(engine, session, "a1", "first");
        gated.set(true);

        Mono<ServerFrame> posted = engine.post(session, new ClientFrame.PostMessage("a2", "and shipping?")).cache();
        posted.subscribe();

        Sinks.Many<String> asked = scripted.nextReply();
        assertThat(asked.currentSubscriberCount()).as("asked before the decision").isEqualTo(1);
        assertThat(mem.log.all(c)).as("nothing stored before the decision").hasSize(2);
        decide.tryEmitEmpty();
        assertThat(posted.block(WAIT)).isInstanceOf(ServerFrame.Ack.class);
        asked.tryEmitNext("Free over 50.");
        asked.tryEmitComplete();
        awaitSeq(c, 4);
        assertThat(mem.log.all(c).get(3))
                .isInstanceOfSatisfying(StoredEvent.Message.class, m -> assertThat(m.text()).isEqualTo("Free over 50."));
    }

    @Test
    void aRefusedMessageCancelsWhatStartedForItAndTheConnectionStartsNothingAheadUntilAMessageIsAdmittedAgain() {
        AtomicBoolean refusing = new AtomicBoolean();
        ConversationEngine engine = engineWithLimiter((group, limits) -> Mono.just(refusing.get()
                ? new RateLimiter.Decision(false, 10_000) : RateLimiter.Decision.ALLOWED));
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = answered(engine, session, "q1", "one");
        refusing.set(true);

        for (String id : List.of("q2", "q3", "q4")) {
            assertThat(engine.post(session, new ClientFrame.PostMessage(id, "again " + id)).block(WAIT))
                    .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.RATE_LIMITED));
        }

        Sinks.Many<String> askedAhead = scripted.nextReply();
        await().atMost(WAIT).until(() -> askedAhead.currentSubscriberCount() == 0);
        assertThat(scripted.asked()).as("the first message and the first refused one only").isEqualTo(2);

        refusing.set(false);
        answered(engine, session, "q5", "admitted again");
        post(engine, session, "q6", "and asked ahead again");

        assertThat(scripted.asked()).isEqualTo(4);
        assertThat(scripted.prepared()).extracting(ScriptedResponder.Read::question)
                .as("read ahead: the first message only; after the refusals not even the reads of the next one")
                .containsExactly("one");
        assertThat(scripted.given().get(3)).as("the answer to the sixth was asked before its decision, with no reads")
                .isSameAs(Responder.Prepared.NOTHING);
    }

    @Test
    void aConnectionAsksNoModelAheadBeforeItsFirstAdmittedMessageOnlyReads() {
        ConversationEngine first = engine();
        VisitorSession earlier = start(first, Fixtures.key());
        ConversationId c = answered(first, earlier, "r1", "hello");
        Sinks.Empty<Void> decide = Sinks.empty();
        ConversationEngine engine = engineWithLimiter(
                (group, limits) -> decide.asMono().then(mem.rateLimiter.tryAcquireAll(group, limits)));
        VisitorSession resumed = engine.startVisitor(Fixtures.key(),
                new ClientFrame.Hello(earlier.visitorToken(), c, 2L), "203.0.113.5").block(WAIT).session();
        int askedBefore = scripted.asked();

        Mono<ServerFrame> posted = engine.post(resumed, new ClientFrame.PostMessage("r2", "still there?")).cache();
        posted.subscribe();

        await().atMost(WAIT).until(() -> scripted.prepared().size() == 2);
        assertThat(scripted.asked()).as("no model asked before this connection's first decision").isEqualTo(askedBefore);
        decide.tryEmitEmpty();
        assertThat(posted.block(WAIT)).isInstanceOf(ServerFrame.Ack.class);
        await().atMost(WAIT).until(() -> scripted.asked() == askedBefore + 1);
        assertThat(scripted.given()).last().isSameAs(scripted.prepared().get(1));
    }

    @Test
    void aResentMessageCancelsTheAnswerAskedForItAhead() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        post(engine, session, "d1", "hello?");
        Sinks.Many<String> first = scripted.nextReply();

        post(engine, session, "d1", "hello?");

        Sinks.Many<String> resent = scripted.nextReply();
        await().atMost(WAIT).until(() -> resent.currentSubscriberCount() == 0);
        assertThat(first.currentSubscriberCount()).as("the first one still answers").isEqualTo(1);
    }

    @Test
    void aMessageThatCouldNotBeStoredCancelsTheAnswerAskedForItAhead() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        post(engine, session, "f0", "first");
        finishReply("ok");
        mem.log.failing.set(true);

        ServerFrame refused = engine.post(session, new ClientFrame.PostMessage("f1", "are you there?")).block(WAIT);

        assertThat(refused).isInstanceOf(ServerFrame.Error.class);
        Sinks.Many<String> asked = scripted.nextReply();
        await().atMost(WAIT).until(() -> asked.currentSubscriberCount() == 0);
    }

    @Test
    void whileAHumanAnswersNoBotIsAskedAheadOfAMessage() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = answered(engine, session, "w1", "first");
        StepVerifier.create(engine.requestHandoff(session)).expectComplete().verify(WAIT);
        session.handoffSeen(HandoffState.REQUESTED);
        int askedBefore = scripted.asked();

        post(engine, session, "w2", "a person please");

        assertThat(mem.log.all(c)).hasSize(4);
        assertThat(scripted.asked()).isEqualTo(askedBefore);
        assertThat(scripted.prepared()).as("nor its reads started").extracting(ScriptedResponder.Read::question)
                .containsExactly("first");
    }

    @Test
    void aHumanWhoTookOverUnseenStillGetsTheBotsEarlyAnswerCancelled() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        ConversationId c = answered(engine, session, "u1", "first");
        StepVerifier.create(engine.requestHandoff(session)).expectComplete().verify(WAIT);

        post(engine, session, "u2", "anyone?");

        Sinks.Many<String> asked = scripted.nextReply();
        await().atMost(WAIT).until(() -> asked.currentSubscriberCount() == 0);
        assertThat(mem.bus.published.stream().filter(sig -> sig instanceof LiveSignal.ReplyStart)).hasSize(1);
    }

    /** Posts {@code text}, lets the bot answer "ok", and returns the conversation once both are stored. */
    private ConversationId answered(ConversationEngine engine, VisitorSession session, String clientMsgId, String text) {
        ServerFrame.Ack ack = post(engine, session, clientMsgId, text);
        finishReply("ok");
        awaitSeq(ack.conversationId(), ack.seq() + 1);
        return ack.conversationId();
    }

    private void finishReply(String text) {
        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext(text);
        reply.tryEmitComplete();
    }

    /** The conversation as a reader follows it, after the Subscribed marker, the CaughtUp marker left out. */
    private static reactor.core.publisher.Flux<LiveSignal> followed(ConversationEngine engine, ConversationId c,
                                                                    long afterSeq) {
        return engine.follow(c, afterSeq).skip(1).filter(s -> !(s instanceof LiveSignal.CaughtUp));
    }

    @Test
    void followingStartsWithTheSubscribedMarker() {
        ConversationEngine engine = engine();
        ConversationId c = post(engine, start(engine, Fixtures.key()), "f1", "hi").conversationId();
        StepVerifier.create(engine.follow(c, 0))
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.Subscribed.class))
                .assertNext(s -> assertThat(((LiveSignal.Stored) s).event().seq()).isEqualTo(1))
                // the reply still streaming is caught up too (its start and text so far), then the marker
                .thenConsumeWhile(s -> s instanceof LiveSignal.ReplyStart || s instanceof LiveSignal.ReplyDelta)
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.CaughtUp.class))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void theSenderGetsItsAckBeforeTheMessageIsPublished() {
        ConversationEngine engine = engine();
        VisitorSession session = start(engine, Fixtures.key());
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.post(session, new ClientFrame.PostMessage("o1", "hi"))
                .doOnNext(ack -> order.add("ack:" + mem.bus.published.size()))
                .block(WAIT);
        awaitPublished(1);
        assertThat(order).containsExactly("ack:0");
    }

    private void awaitSeq(ConversationId c, long seq) {
        await().atMost(WAIT).until(() -> mem.log.lastSeq(c).block(WAIT) >= seq);
    }

    private void awaitPublished(int count) {
        await().atMost(WAIT).until(() -> mem.bus.published.size() >= count);
    }

    private static long seqOf(LiveSignal s) {
        if (s instanceof LiveSignal.Stored stored) {
            return stored.event().seq();
        }
        if (s instanceof LiveSignal.ReplyEnd end) {
            return end.seq();
        }
        return -1;
    }
}
