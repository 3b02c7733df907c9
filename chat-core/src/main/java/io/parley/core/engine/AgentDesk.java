package io.parley.core.engine;

import io.parley.core.model.AuthorRole;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Assignments;
import io.parley.core.port.InboxBus;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The agent side of conversations: the inbox (a snapshot of a workspace's open conversations, then
 * their changes from every node), joining a conversation (replay, then live, through the
 * {@link ConversationEngine}), agents' messages, takeover and release, typing, and presence.
 * An agent may only write into a conversation it has taken over: the protocol makes takeover explicit,
 * and a message that silently took a conversation from the bot (or from another agent) would surprise
 * both the visitor and the other agents.
 */
public final class AgentDesk {
    private static final Logger LOG = Logger.getLogger(AgentDesk.class.getName());
    public static final int INBOX_LIMIT = 100;
    public static final int PREVIEW_CODE_POINTS = 140;
    public static final int PRESENCE_LIMIT = 200;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final ConversationEngine engine;
    private final EnginePorts ports;
    private final AgentPorts agents;
    private final Duration presenceHeartbeat;
    private final Duration presenceTtl;

    /**
     * {@code presenceHeartbeat}: how often a socket refreshes its presence entry, and how often inbox
     * subscribers look the online set up again (so a dead node's agents drop out); entries live three beats.
     */
    public AgentDesk(ConversationEngine engine, EnginePorts ports, AgentPorts agents, Duration presenceHeartbeat) {
        this.engine = engine;
        this.ports = ports;
        this.agents = agents;
        this.presenceHeartbeat = presenceHeartbeat;
        this.presenceTtl = presenceHeartbeat.multipliedBy(3);
        engine.onActivity(conversation -> changedIfWatched(conversation).subscribe());
    }

    /**
     * The inbox of the workspace: {@link InboxEvent.Snapshot}, then {@link InboxEvent.Online}, then
     * updates and presence changes as they happen on any node. Subscribes to the inbox channel before
     * reading the snapshot, so no change falls between the two (a change may come twice; the highest
     * lastSeq wins).
     */
    public Flux<InboxEvent> inbox(WorkspaceId workspace) {
        return Flux.defer(() -> {
            AtomicReference<List<OnlineAgent>> lastOnline = new AtomicReference<>();
            return agents.inboxBus().subscribe(workspace).switchOnFirst((first, signals) -> {
                if (!(first.get() instanceof InboxBus.Signal.Subscribed)) {
                    return signals.then(Mono.empty());
                }
                Mono<InboxEvent> snapshot = agents.inbox().open(workspace, INBOX_LIMIT)
                        .map(s -> s.withPreview(PREVIEW_CODE_POINTS))
                        .collectList()
                        .timeout(READ_TIMEOUT)
                        .map(InboxEvent.Snapshot::new);
                Flux<InboxBus.Signal> changes = Flux.merge(signals.skip(1),
                        Flux.interval(presenceHeartbeat).onBackpressureDrop().map(t -> new InboxBus.Signal.PresenceChanged()));
                return snapshot.cast(InboxEvent.class)
                        .concatWith(online(workspace, lastOnline))
                        .concatWith(changes.concatMap(signal -> signal instanceof InboxBus.Signal.Changed changed
                                ? Mono.just(new InboxEvent.Update(changed.summary()))
                                : online(workspace, lastOnline)));
            });
        });
    }

    /** The online set when it differs from the last one this subscriber got; Redis down: skipped this time. */
    private Mono<InboxEvent> online(WorkspaceId workspace, AtomicReference<List<OnlineAgent>> last) {
        return agents.presence().online(workspace, PRESENCE_LIMIT)
                .filter(now -> !now.equals(last.getAndSet(now)))
                .<InboxEvent>map(InboxEvent.Online::new)
                .onErrorResume(e -> Mono.empty());
    }

    /**
     * Keeps the agent's socket in the workspace's online set while subscribed; cancelling takes it out.
     * Redis down: the entry is refreshed again at the next beat.
     */
    public Mono<Void> present(Agent agent, String socketId) {
        return Flux.interval(Duration.ZERO, presenceHeartbeat)
                .onBackpressureDrop()
                .concatMap(beat -> agents.presence().heartbeat(agent.workspace(), socketId, agent.online(), presenceTtl)
                        .filter(added -> added)
                        .flatMap(added -> presenceChanged(agent.workspace()))
                        .onErrorResume(e -> Mono.empty()))
                .doFinally(signal -> agents.presence().leave(agent.workspace(), socketId)
                        .then(presenceChanged(agent.workspace()))
                        .subscribe(null, e -> LOG.log(Level.FINE, "presence entry left to expire", e)))
                .then();
    }

    private Mono<Void> presenceChanged(WorkspaceId workspace) {
        return agents.inboxBus().publish(workspace, new InboxBus.Signal.PresenceChanged()).onErrorResume(e -> Mono.empty());
    }

    /** The conversation when it is one of the workspace's, else empty (ids of other workspaces do not leak). */
    public Mono<Conversation> conversationOf(WorkspaceId workspace, ConversationId id) {
        return ports.conversations().find(id).filter(c -> c.workspaceId().equals(workspace));
    }

    /** Every stored event after {@code afterSeq}, then live signals; see {@link ConversationEngine#follow}. */
    public Flux<LiveSignal> join(ConversationId id, long afterSeq) {
        return engine.follow(id, afterSeq);
    }

    /**
     * Posts an agent's message into a conversation it holds: an {@code ack} once stored (the same for the
     * same clientMsgId), else an error frame; nothing is stored on an error.
     */
    public Mono<ServerFrame> post(Agent agent, ConversationId id, String clientMsgId, String text) {
        return Mono.create(answer -> conversationOf(agent.workspace(), id)
                .flatMap(conversation -> agents.assignments().holder(id)
                        .map(holder -> holder.equals(agent.id()))
                        .defaultIfEmpty(false))
                .flatMap(mine -> {
                    if (!mine) {
                        answer.success(new ServerFrame.Error(ErrorCodes.NOT_ASSIGNED,
                                "take the conversation over before writing to it", clientMsgId, null));
                        return Mono.empty();
                    }
                    return append(agent, id, clientMsgId, text, answer::success).thenReturn(true);
                })
                .switchIfEmpty(Mono.fromRunnable(() -> answer.success(new ServerFrame.Error(ErrorCodes.NOT_FOUND,
                        "no conversation " + id + " in this workspace", clientMsgId, null))))
                // Runs to the end even if the socket goes away: a message once stored is always announced.
                .subscribe(null, e -> {
                    // Database down or failing: nothing was stored, so say so and let the client resend.
                    LOG.log(Level.WARNING, "could not store an agent's message", e);
                    answer.success(new ServerFrame.Error(ErrorCodes.STORE_FAILED,
                            "the message could not be stored; send it again with the same clientMsgId",
                            clientMsgId, 1000L));
                }));
    }

    /** Stores the message and gives {@code answer} its ack (or error) before announcing it, so a sender sees the ack first. */
    private Mono<Void> append(Agent agent, ConversationId id, String clientMsgId, String text,
                              java.util.function.Consumer<ServerFrame> answer) {
        return ports.log().appendClientMessage(id, ports.ids().messageId(), agent.author(), clientMsgId, text)
                .flatMap(appended -> {
                    var stored = appended.message();
                    if (stored.author().role() != AuthorRole.AGENT || !stored.author().id().equals(agent.id().value())) {
                        answer.accept(new ServerFrame.Error(ErrorCodes.CLIENT_MSG_ID_TAKEN,
                                "clientMsgId " + clientMsgId + " is already used in this conversation; choose another",
                                clientMsgId, null));
                        return Mono.empty();
                    }
                    answer.accept(new ServerFrame.Ack(clientMsgId, stored.messageId(), id, stored.seq()));
                    if (!appended.created()) {
                        return Mono.empty();
                    }
                    // Bus down: the message is stored and acked; readers recover it by seq from the log.
                    return ports.bus().publish(id, new LiveSignal.Stored(stored)).onErrorResume(e -> Mono.empty())
                            .then(changed(id));
                });
    }

    /**
     * The agent takes the conversation over: the bot stops answering, a reply being streamed is cancelled,
     * and a {@code handoff} event {@code assigned} naming the agent is stored. Empty when done (also when
     * the agent already held it); an error frame when another agent holds it or it is not found.
     */
    public Mono<ServerFrame> takeover(Agent agent, ConversationId id) {
        return conversationOf(agent.workspace(), id)
                .flatMap(conversation -> agents.assignments().assign(id, agent.id()))
                .flatMap(outcome -> switch (outcome) {
                    case ASSIGNED -> handoff(id, HandoffState.ASSIGNED, agent.name())
                            .then(cancelReplies(id))
                            .then(changed(id))
                            .then(Mono.<ServerFrame>empty());
                    case ALREADY_YOURS -> Mono.<ServerFrame>empty();
                    case HELD_BY_ANOTHER -> agents.inbox().summary(id)
                            .mapNotNull(ConversationSummary::agentName)
                            .map(name -> " (" + name + ")")
                            .defaultIfEmpty("")
                            .map(name -> ServerFrame.Error.of(ErrorCodes.ASSIGNED_TO_ANOTHER,
                                    "another agent" + name + " handles this conversation; they must release it first"));
                })
                .switchIfEmpty(Mono.defer(() -> conversationOf(agent.workspace(), id)
                        .hasElement()
                        .flatMap(exists -> exists ? Mono.<ServerFrame>empty() : Mono.just(notFound(id)))))
                .onErrorResume(e -> internal("takeover", e));
    }

    /** The agent hands the conversation back to the bot: a {@code handoff} event {@code released} is stored. */
    public Mono<ServerFrame> release(Agent agent, ConversationId id) {
        return conversationOf(agent.workspace(), id)
                .flatMap(conversation -> agents.assignments().release(id, agent.id())
                        .flatMap(released -> released
                                ? handoff(id, HandoffState.RELEASED, agent.name()).then(changed(id)).then(Mono.<ServerFrame>empty())
                                : Mono.just(ServerFrame.Error.of(ErrorCodes.NOT_ASSIGNED,
                                        "you do not handle this conversation; only its agent can release it"))))
                .switchIfEmpty(Mono.defer(() -> conversationOf(agent.workspace(), id)
                        .hasElement()
                        .flatMap(exists -> exists ? Mono.<ServerFrame>empty() : Mono.just(notFound(id)))))
                .onErrorResume(e -> internal("release", e));
    }

    /** Shows the agent's typing to the conversation's visitor and other agents; best effort. */
    public Mono<ServerFrame> typing(Agent agent, ConversationId id, boolean on) {
        return conversationOf(agent.workspace(), id).hasElement()
                .flatMap(exists -> exists
                        ? ports.bus().publish(id, new LiveSignal.Typing(id, agent.author(), on))
                                .onErrorResume(e -> Mono.empty())
                                .then(Mono.<ServerFrame>empty())
                        : Mono.just(notFound(id)))
                .onErrorResume(e -> Mono.empty());
    }

    /** Stops a bot reply being streamed in the conversation; an error frame when there is none. */
    public Mono<ServerFrame> cancel(Agent agent, ConversationId id, MessageId messageId) {
        return conversationOf(agent.workspace(), id)
                .flatMap(c -> ports.replies().live(id).any(r -> r.messageId().equals(messageId)))
                .flatMap(live -> live
                        ? ports.bus().publish(id, new LiveSignal.CancelReply(id, messageId)).then(Mono.<ServerFrame>empty())
                        : Mono.just(ServerFrame.Error.of(ErrorCodes.NOTHING_TO_CANCEL,
                                "no reply " + messageId + " is being streamed")))
                .switchIfEmpty(Mono.defer(() -> conversationOf(agent.workspace(), id).hasElement()
                        .flatMap(exists -> exists ? Mono.<ServerFrame>empty() : Mono.just(notFound(id)))))
                .onErrorResume(e -> internal("cancel", e));
    }

    private Mono<Void> handoff(ConversationId id, HandoffState state, String agentName) {
        return ports.log().appendHandoff(id, state, agentName)
                .flatMap(h -> ports.bus().publish(id, new LiveSignal.Stored(h)).onErrorResume(e -> Mono.empty()));
    }

    /** Asks whichever node streams each live reply of the conversation to stop; they end as cancelled. */
    private Mono<Void> cancelReplies(ConversationId id) {
        return ports.replies().live(id)
                .flatMap(reply -> ports.bus().publish(id, new LiveSignal.CancelReply(id, reply.messageId())))
                // Redis down: a reply that cannot be reached ends by itself; the bot answers nothing new.
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /**
     * As {@link #changed}, left out while no agent on any node watches the workspace's inbox: a visitor's
     * or bot's message then costs no summary (a query that opens the visitor's data). An agent who
     * subscribes later reads the change in its snapshot, taken after its subscription is in place.
     */
    private Mono<Void> changedIfWatched(Conversation conversation) {
        return agents.inboxBus().watched(conversation.workspaceId())
                // Redis down: the update is published (and most likely lost) as before; the check saves nothing then.
                .onErrorReturn(true)
                .filter(watched -> watched)
                .flatMap(watched -> changed(conversation.id()));
    }

    /** Publishes the conversation's new summary to its workspace's inbox; failures only cost live updates. */
    private Mono<Void> changed(ConversationId id) {
        return agents.inbox().summary(id)
                .map(s -> s.withPreview(PREVIEW_CODE_POINTS))
                .flatMap(s -> agents.inboxBus().publish(s.workspaceId(), new InboxBus.Signal.Changed(s)))
                .onErrorResume(e -> {
                    LOG.log(Level.FINE, "inbox update of " + id + " lost", e);
                    return Mono.empty();
                });
    }

    private static ServerFrame notFound(ConversationId id) {
        return ServerFrame.Error.of(ErrorCodes.NOT_FOUND, "no conversation " + id + " in this workspace");
    }

    private static Mono<ServerFrame> internal(String what, Throwable e) {
        LOG.log(Level.WARNING, "agent " + what + " failed", e);
        return Mono.just(ServerFrame.Error.of(ErrorCodes.INTERNAL, "the " + what + " failed; try again"));
    }
}
