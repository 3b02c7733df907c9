package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.OperatorId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.WorkspaceId;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryAgentPorts;
import io.parley.core.testing.InMemoryPorts;
import io.parley.core.testing.ScriptedResponder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class AgentDeskTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryPorts mem = new InMemoryPorts();
    private final InMemoryAgentPorts agentPorts = new InMemoryAgentPorts(mem);
    private final ScriptedResponder scripted = new ScriptedResponder();
    private final ConversationEngine engine = new ConversationEngine(mem.ports(),
            new VisitorTokens(new byte[32], List.of(), Duration.ofDays(1), () -> Instant.parse("2026-01-01T00:00:00Z")),
            bot -> scripted, EngineSettings.DEFAULTS);
    private final AgentDesk desk = new AgentDesk(engine, mem.ports(), agentPorts.ports(), Duration.ofSeconds(1));
    private final Agent ada = new Agent(new OperatorId("o_ada"), "Ada", Fixtures.WORKSPACE);
    private final Agent bob = new Agent(new OperatorId("o_bob"), "Bob", Fixtures.WORKSPACE);

    private VisitorSession visitor() {
        return engine.startVisitor(Fixtures.key(), new ClientFrame.Hello(null, null, null), "203.0.113.5")
                .block(WAIT).session();
    }

    private ServerFrame.Ack visitorSays(VisitorSession session, String clientMsgId, String text) {
        return (ServerFrame.Ack) engine.post(session, new ClientFrame.PostMessage(clientMsgId, text)).block(WAIT);
    }

    @Test
    void takeoverStoresAnAssignedHandoffCancelsTheStreamingReplyAndTheBotStopsAnswering() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "v1", "hello").conversationId();
        Sinks.Many<String> streaming = scripted.nextReply();
        streaming.tryEmitNext("Let me ");

        assertThat(desk.takeover(ada, id).block(WAIT)).isNull();

        await().atMost(WAIT).until(() -> mem.log.all(id).size() == 3);
        StoredEvent.Handoff assigned = (StoredEvent.Handoff) mem.log.all(id).get(1);
        assertThat(assigned.state()).isEqualTo(HandoffState.ASSIGNED);
        assertThat(assigned.agentName()).isEqualTo("Ada");
        assertThat(((StoredEvent.Message) mem.log.all(id).get(2)).finish()).isEqualTo(Finish.CANCELLED);

        visitorSays(session, "v2", "are you there?");
        assertThat(mem.log.all(id)).hasSize(4);
        assertThat(mem.bus.published).noneMatch(s -> s instanceof LiveSignal.ReplyStart start
                && !start.messageId().equals(((StoredEvent.Message) mem.log.all(id).get(2)).messageId()));

        assertThat(desk.takeover(ada, id).block(WAIT)).as("taking over again changes nothing").isNull();
        assertThat(mem.log.all(id)).hasSize(4);
        ServerFrame.Error refused = (ServerFrame.Error) desk.takeover(bob, id).block(WAIT);
        assertThat(refused.code()).isEqualTo(ErrorCodes.ASSIGNED_TO_ANOTHER);
        assertThat(refused.message()).contains("Ada");
    }

    @Test
    void anAgentWritesOnlyIntoAConversationItHoldsOncePerClientMsgId() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "v1", "hello").conversationId();
        scripted.nextReply().tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(id).size() == 2);

        ServerFrame.Error early = (ServerFrame.Error) desk.post(ada, id, "a1", "Hi, Ada here").block(WAIT);
        assertThat(early.code()).isEqualTo(ErrorCodes.NOT_ASSIGNED);
        assertThat(early.clientMsgId()).isEqualTo("a1");
        assertThat(mem.log.all(id)).hasSize(2);

        desk.takeover(ada, id).block(WAIT);
        ServerFrame.Ack ack = (ServerFrame.Ack) desk.post(ada, id, "a1", "Hi, Ada here").block(WAIT);
        assertThat(ack.seq()).isEqualTo(4);
        assertThat(desk.post(ada, id, "a1", "Hi, Ada here").block(WAIT)).as("a resend").isEqualTo(ack);
        StoredEvent.Message stored = (StoredEvent.Message) mem.log.all(id).get(3);
        assertThat(stored.author().role()).isEqualTo(AuthorRole.AGENT);
        assertThat(stored.author().id()).isEqualTo("o_ada");
        assertThat(stored.author().name()).isEqualTo("Ada");
        assertThat(mem.bus.published).contains(new LiveSignal.Stored(stored));

        ServerFrame.Error taken = (ServerFrame.Error) desk.post(ada, id, "v1", "clash").block(WAIT);
        assertThat(taken.code()).isEqualTo(ErrorCodes.CLIENT_MSG_ID_TAKEN);

        Agent stranger = new Agent(new OperatorId("o_eve"), "Eve", new WorkspaceId("w_other"));
        assertThat(((ServerFrame.Error) desk.post(stranger, id, "e1", "hi").block(WAIT)).code())
                .isEqualTo(ErrorCodes.NOT_FOUND);
        assertThat(((ServerFrame.Error) desk.takeover(stranger, id).block(WAIT)).code()).isEqualTo(ErrorCodes.NOT_FOUND);
        assertThat(desk.conversationOf(stranger.workspace(), id).blockOptional()).isEmpty();
        assertThat(mem.log.all(id)).hasSize(4);
    }

    @Test
    void releaseByTheHoldingAgentStoresReleasedAndTheBotAnswersAgain() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "v1", "hello").conversationId();
        scripted.nextReply().tryEmitComplete();
        desk.takeover(ada, id).block(WAIT);

        assertThat(((ServerFrame.Error) desk.release(bob, id).block(WAIT)).code()).isEqualTo(ErrorCodes.NOT_ASSIGNED);
        assertThat(desk.release(ada, id).block(WAIT)).isNull();
        StoredEvent last = mem.log.all(id).get(mem.log.all(id).size() - 1);
        assertThat(((StoredEvent.Handoff) last).state()).isEqualTo(HandoffState.RELEASED);

        visitorSays(session, "v2", "bot?");
        scripted.nextReply().tryEmitNext("Yes.");
    }

    @Test
    void messagesInAWorkspaceWhoseInboxNobodyWatchesCostNoSummary() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "u1", "anyone there?").conversationId();
        Sinks.Many<String> reply = scripted.nextReply();
        reply.tryEmitNext("Yes.");
        reply.tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(id).size() == 2);

        await().atMost(WAIT).until(() -> agentPorts.inboxBus.watchedQuestions.get() == 2);
        assertThat(agentPorts.inbox.summaryQueries).as("the question and the reply, each asked about, none summed up")
                .hasValue(0);

        Disposable watching = desk.inbox(Fixtures.WORKSPACE).subscribe();
        try {
            visitorSays(session, "u2", "still there?");
            await().atMost(WAIT).until(() -> agentPorts.inbox.summaryQueries.get() == 1);
        } finally {
            watching.dispose();
        }
    }

    @Test
    void theInboxGivesASnapshotThenEveryChangeWithCutPreviews() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "v1", "first").conversationId();
        scripted.nextReply().tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(id).size() == 2);

        StepVerifier.create(desk.inbox(Fixtures.WORKSPACE))
                .assertNext(e -> {
                    InboxEvent.Snapshot snapshot = (InboxEvent.Snapshot) e;
                    assertThat(snapshot.conversations()).singleElement()
                            .satisfies(s -> assertThat(s.lastSeq()).isEqualTo(2));
                })
                .assertNext(e -> assertThat(((InboxEvent.Online) e).agents()).isEmpty())
                .then(() -> engine.requestHandoff(session).block(WAIT))
                .assertNext(e -> {
                    InboxEvent.Update update = (InboxEvent.Update) e;
                    assertThat(update.conversation().lastSeq()).isEqualTo(3);
                    assertThat(update.conversation().handoff()).isEqualTo(HandoffState.REQUESTED);
                    assertThat(update.conversation().humanHandling()).isTrue();
                })
                .then(() -> desk.takeover(ada, id).block(WAIT))
                .assertNext(e -> assertThat(((InboxEvent.Update) e).conversation().agentName()).isEqualTo("Ada"))
                .then(() -> desk.post(ada, id, "a1", "x".repeat(500)).block(WAIT))
                .assertNext(e -> {
                    ConversationSummary summary = ((InboxEvent.Update) e).conversation();
                    assertThat(summary.lastMessage().text()).hasSize(AgentDesk.PREVIEW_CODE_POINTS + 1).endsWith("…");
                    assertThat(summary.lastMessage().role()).isEqualTo(AuthorRole.AGENT);
                })
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void presenceListsConnectedAgentsOnceAndDropsThemWhenTheyLeave() {
        StepVerifier.create(desk.inbox(Fixtures.WORKSPACE))
                .assertNext(e -> assertThat(e).isInstanceOf(InboxEvent.Snapshot.class))
                .assertNext(e -> assertThat(((InboxEvent.Online) e).agents()).isEmpty())
                .then(() -> {
                    adaOnTwoTabs[0] = desk.present(ada, "s1").subscribe();
                    adaOnTwoTabs[1] = desk.present(ada, "s2").subscribe();
                })
                .assertNext(e -> assertThat(((InboxEvent.Online) e).agents())
                        .containsExactly(new OnlineAgent(ada.id(), "Ada")))
                .then(() -> {
                    adaOnTwoTabs[0].dispose();
                    adaOnTwoTabs[1].dispose();
                })
                .assertNext(e -> assertThat(((InboxEvent.Online) e).agents()).isEmpty())
                .thenCancel()
                .verify(WAIT);
    }

    private final Disposable[] adaOnTwoTabs = new Disposable[2];

    @Test
    void agentTypingReachesTheConversationsFollowers() {
        VisitorSession session = visitor();
        ConversationId id = visitorSays(session, "v1", "hello").conversationId();
        scripted.nextReply().tryEmitComplete();
        await().atMost(WAIT).until(() -> mem.log.all(id).size() == 2);
        StepVerifier.create(engine.follow(id, 2))
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.Subscribed.class))
                .assertNext(s -> assertThat(s).isInstanceOf(LiveSignal.CaughtUp.class))
                .then(() -> desk.typing(ada, id, true).block(WAIT))
                .assertNext(s -> {
                    LiveSignal.Typing typing = (LiveSignal.Typing) s;
                    assertThat(typing.author()).isEqualTo(ada.author());
                    assertThat(typing.on()).isTrue();
                })
                .thenCancel()
                .verify(WAIT);
        Agent stranger = new Agent(new OperatorId("o_eve"), "Eve", new WorkspaceId("w_other"));
        assertThat(((ServerFrame.Error) desk.typing(stranger, id, true).block(WAIT)).code()).isEqualTo(ErrorCodes.NOT_FOUND);
    }
}
