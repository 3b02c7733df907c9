package io.parley.core.engine;

import io.parley.core.model.Bot;
import io.parley.core.model.BotLimits;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WidgetKey;
import io.parley.core.port.AnsweringBots;
import io.parley.core.port.MessageLog;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.Responder;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The conversation engine: starts visitor sessions, accepts messages (idempotent on clientMsgId),
 * triggers and streams bot replies, cancels them, hands off to humans, and lets readers follow a
 * conversation from any seq.
 */
public final class ConversationEngine {
    private static final Logger LOG = Logger.getLogger(ConversationEngine.class.getName());

    private final EnginePorts ports;
    private final VisitorTokens tokens;
    private final ReplyRunner replies;
    private final ConversationFollower follower;
    private final HelloVisitors helloVisitors;
    private final List<Consumer<Conversation>> activityListeners = new CopyOnWriteArrayList<>();
    private final ReplyTakeover takeover;
    private volatile boolean draining;

    /** An engine that ends the replies of dead nodes but cannot answer their questions again. */
    public ConversationEngine(EnginePorts ports, VisitorTokens tokens, Function<Bot, Responder> responders,
                              EngineSettings settings) {
        this(ports, tokens, responders, settings, botId -> Mono.empty());
    }

    /** {@code bots} finds the bot that answers again a question whose reply a dead node left unfinished. */
    public ConversationEngine(EnginePorts ports, VisitorTokens tokens, Function<Bot, Responder> responders,
                              EngineSettings settings, AnsweringBots bots) {
        this.ports = ports;
        this.tokens = tokens;
        this.replies = new ReplyRunner(ports.log(), ports.conversations(), ports.bus(), ports.replies(), ports.ids(),
                responders, settings);
        this.takeover = new ReplyTakeover(ports.log(), ports.bus(), ports.replies(), ports.conversations(), replies,
                bots, settings.leases());
        this.follower = new ConversationFollower(ports.log(), ports.bus(), ports.replies());
        this.helloVisitors = new HelloVisitors(ports, tokens);
    }

    /** May one more connection come from this address for this key? */
    public Mono<RateLimiter.Decision> admitConnection(WidgetKey key, String clientAddress) {
        return ports.rateLimiter().tryAcquire("conn:" + key.key() + ":" + clientAddress,
                key.bot().limits().connectionsPerKeyAndIp());
    }

    /**
     * Starts a visitor's session from its {@code hello}; {@link HelloVisitors} says who the visitor is.
     * Errors with {@link SessionRefusedException} for a bad visitor or identity token, or a bot that needs
     * a signed-in user (4401), or a conversation that is not the visitor's (4403).
     */
    public Mono<Started> startVisitor(WidgetKey key, ClientFrame.Hello hello, String clientAddress) {
        Bot bot = key.bot();
        Mono<VisitorId> visitor = helloVisitors.visitorOf(bot, hello, clientAddress);
        return visitor.flatMap(visitorId -> conversationOf(visitorId, bot, hello.conversationId())
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(conversation -> {
                    Conversation c = conversation.orElse(null);
                    String token = tokens.issue(visitorId, bot.workspaceId());
                    VisitorSession session = new VisitorSession(key, visitorId, token, clientAddress, c);
                    Mono<Long> lastSeq = c == null ? Mono.just(0L) : ports.log().lastSeq(c.id());
                    return lastSeq.map(seq -> {
                        long followFrom = hello.conversationId() != null && hello.lastSeq() != null
                                ? Math.min(hello.lastSeq(), seq)
                                : hello.conversationId() != null ? 0 : seq;
                        return new Started(session, new ServerFrame.Welcome(visitorId, token,
                                c == null ? null : c.id(), seq, 0, bot.name(), bot.greeting()), followFrom);
                    });
                }));
    }

    private Mono<Conversation> conversationOf(VisitorId visitorId, Bot bot, @Nullable ConversationId requested) {
        if (requested == null) {
            return ports.conversations().findOpen(visitorId, bot.id());
        }
        return ports.conversations().find(requested)
                .filter(c -> c.visitorId().equals(visitorId) && c.botId().equals(bot.id()))
                .switchIfEmpty(Mono.error(new SessionRefusedException(CloseCodes.FORBIDDEN,
                        "conversation " + requested + " is not this visitor's")));
    }

    /**
     * Posts a visitor's message: answered with an {@code ack} once it is stored (the same ack for the
     * same clientMsgId, however often it comes), or an {@code error} when it was refused or could not
     * be stored, in which case nothing was kept and the client may send it again.
     */
    public Mono<ServerFrame> post(VisitorSession session, ClientFrame.PostMessage message) {
        return post(session, message, conversation -> Mono.empty());
    }

    /**
     * As {@link #post(VisitorSession, ClientFrame.PostMessage)}, storing the message only once
     * {@code beforeStoring} (given the conversation, opened on first use) has completed: a caller that reads
     * the conversation's events follows it there, while the bot is already being asked.
     */
    public Mono<ServerFrame> post(VisitorSession session, ClientFrame.PostMessage message,
                                  Function<Conversation, Mono<Void>> beforeStoring) {
        return Mono.create(answer -> {
            // While the rate limits decide, the bot is asked already if this connection's last message was
            // admitted and its conversation is open; otherwise only its reads start, unless the last message was
            // refused. So refused messages cost at most one cancelled upstream request per admitted one, however
            // often the visitor reconnects. While a human answers, nothing starts ahead.
            VisitorSession.Admission last = session.lastAdmission();
            Conversation known = session.conversation();
            boolean ahead = last != VisitorSession.Admission.REFUSED && !session.humanHandlingSeen();
            boolean askAhead = ahead && last == VisitorSession.Admission.ADMITTED && known != null;
            boolean readAhead = ahead && !askAhead;
            Responder.Prepared prepared = readAhead
                    ? replies.prepare(session.bot(), message.text()) : Responder.Prepared.NOTHING;
            ReplyRunner.Answer askedAhead = askAhead
                    ? replies.answerEarly(session.bot(), known.id(), message.text(), Responder.Prepared.NOTHING) : null;
            // Runs to the end even if the caller goes away mid-way: a message once stored is always
            // announced and answered, or a resend of its clientMsgId (created=false) would get no reply.
            checkMessageRate(session).flatMap(decision -> {
                session.lastAdmission(decision.allowed() ? VisitorSession.Admission.ADMITTED
                        : VisitorSession.Admission.REFUSED);
                if (!decision.allowed()) {
                    prepared.discard();
                    discard(askedAhead);
                    answer.success(new ServerFrame.Error(ErrorCodes.RATE_LIMITED,
                            "too many messages; send again in " + decision.retryAfterMillis() + " ms",
                            message.clientMsgId(), decision.retryAfterMillis()));
                    return Mono.empty();
                }
                return openConversation(session).flatMap(conversation -> {
                    // While a human answers, no model is asked ahead: that request would only be cancelled.
                    ReplyRunner.Answer early = askedAhead != null ? askedAhead : session.humanHandlingSeen() ? null
                            : replies.answerEarly(session.bot(), conversation.id(), message.text(), prepared);
                    if (early == null) {
                        prepared.discard();
                    }
                    return Mono.defer(() -> beforeStoring.apply(conversation))
                            .then(Mono.defer(() -> ports.log().appendClientMessage(conversation.id(),
                                    ports.ids().messageId(), session.author(), message.clientMsgId(), message.text())))
                            .doOnNext(appended -> {
                                StoredEvent.Message stored = appended.message();
                                // The caller queues the ack while this runs, so a sender sees its ack before the event.
                                answer.success(new ServerFrame.Ack(message.clientMsgId(), stored.messageId(),
                                        stored.conversationId(), stored.seq()));
                                if (appended.created()) {
                                    announce(conversation, session.bot(), appended, early);
                                } else {
                                    discard(early);
                                }
                            })
                            .doOnError(e -> discard(early));
                });
            }).doOnError(e -> {
                prepared.discard();
                discard(askedAhead);
            }).subscribe(null, e -> {
                // Database down or failing: nothing was stored, so say so and let the client resend.
                LOG.log(e instanceof CancellationException ? Level.FINE : Level.WARNING, "could not store a message", e);
                answer.success(new ServerFrame.Error(ErrorCodes.STORE_FAILED,
                        "the message could not be stored; send it again with the same clientMsgId",
                        message.clientMsgId(), 1000L));
            });
        });
    }

    /**
     * Both message limits in one decision (one Redis round trip). They are grouped by workspace because a
     * visitor and a widget key each belong to one, so the grouping splits no window.
     */
    private Mono<RateLimiter.Decision> checkMessageRate(VisitorSession session) {
        BotLimits limits = session.bot().limits();
        return ports.rateLimiter().tryAcquireAll(session.bot().workspaceId().value(), List.of(
                new RateLimiter.KeyedLimit("msg:v:" + session.visitorId().value(), limits.messagesPerVisitor()),
                new RateLimiter.KeyedLimit("msg:k:" + session.key().key() + ":" + session.clientAddress(),
                        limits.messagesPerKeyAndIp())));
    }

    /**
     * The session's conversation, created (or found, when another tab or node created it) on first
     * use. A reader that wants every event of a new conversation follows it before posting to it.
     */
    public Mono<Conversation> openConversation(VisitorSession session) {
        Conversation known = session.conversation();
        if (known != null) {
            return Mono.just(known);
        }
        Bot bot = session.bot();
        return ports.conversations().openFor(bot.workspaceId(), bot.id(), session.visitorId())
                .doOnNext(session::conversation);
    }

    private static void discard(ReplyRunner.@Nullable Answer early) {
        if (early != null) {
            early.discard();
        }
    }

    private void announce(Conversation conversation, Bot bot, MessageLog.Appended appended,
                          ReplyRunner.@Nullable Answer early) {
        // Bus down: the message is stored and acked; readers recover it by seq from the log.
        Mono<Boolean> published = ports.bus().publish(conversation.id(), new LiveSignal.Stored(appended.message()))
                .onErrorResume(e -> Mono.empty())
                .doOnTerminate(() -> active(conversation))
                .thenReturn(true);
        // Who answers is read meanwhile; the reply starts only once the question is published.
        Mono.zip(published, ports.conversations().find(conversation.id()), (ok, c) -> c)
                .filter(c -> !c.humanHandling())
                .flatMap(c -> replies.reply(bot, c.id(), appended.message().messageId(), appended.message().text(), early))
                .doOnNext(reply -> active(conversation))
                // a human answers (or the database failed): the early answer is not streamed
                .doFinally(signal -> discard(early))
                .subscribe(null, e -> LOG.log(Level.WARNING, "reply failed in " + conversation.id(), e));
    }

    /**
     * {@link LiveSignal.Subscribed} once live signals are being received, then every stored event of the
     * conversation after {@code afterSeq} and its replies still streaming, then {@link LiveSignal.CaughtUp},
     * then live signals; see {@link ConversationFollower}.
     */
    public Flux<LiveSignal> follow(ConversationId conversationId, long afterSeq) {
        return follower.follow(conversationId, afterSeq);
    }

    /** Stops a reply being streamed, on whichever node streams it; an error frame when there is none. */
    public Mono<ServerFrame> cancel(VisitorSession session, MessageId messageId) {
        Conversation conversation = session.conversation();
        if (conversation == null) {
            return Mono.just(ServerFrame.Error.of(ErrorCodes.NOTHING_TO_CANCEL, "no reply is being streamed"));
        }
        if (replies.cancelLocal(conversation.id(), messageId)) {
            return Mono.empty();
        }
        return ports.replies().live(conversation.id())
                .any(r -> r.messageId().equals(messageId))
                .onErrorReturn(true)
                .flatMap(live -> live
                        ? ports.bus().publish(conversation.id(), new LiveSignal.CancelReply(conversation.id(), messageId))
                                .then(Mono.<ServerFrame>empty())
                                // Bus down: the node streaming the reply cannot be told; the reply ends by itself.
                                .onErrorResume(e -> Mono.just(ServerFrame.Error.of(ErrorCodes.INTERNAL,
                                        "the reply could not be cancelled right now; try again")))
                        : Mono.just(ServerFrame.Error.of(ErrorCodes.NOTHING_TO_CANCEL,
                                "no reply " + messageId + " is being streamed")));
    }

    /** Shows the visitor's typing to the conversation's other participants; dropped before a conversation exists. */
    public Mono<Void> typing(VisitorSession session, boolean on) {
        Conversation conversation = session.conversation();
        if (conversation == null) {
            return Mono.empty();
        }
        // Bus down: typing indicators are best effort.
        return ports.bus().publish(conversation.id(), new LiveSignal.Typing(conversation.id(), session.author(), on))
                .onErrorResume(e -> Mono.empty());
    }

    /**
     * The visitor asks for a human: the bot stops answering and a {@code handoff} event is stored,
     * once: asking again while humans handle the conversation stores nothing.
     */
    public Mono<ServerFrame> requestHandoff(VisitorSession session) {
        return openConversation(session)
                .flatMap(open -> ports.conversations().find(open.id()))
                .filter(c -> !c.humanHandling())
                .flatMap(c -> ports.conversations().markHumanHandling(c.id())
                        .then(ports.log().appendHandoff(c.id(), HandoffState.REQUESTED, null))
                        .flatMap(h -> ports.bus().publish(c.id(), new LiveSignal.Stored(h)).onErrorResume(e -> Mono.empty()))
                        .doOnTerminate(() -> active(c)))
                .then(Mono.<ServerFrame>empty())
                .onErrorResume(e -> {
                    LOG.log(Level.WARNING, "handoff request failed", e);
                    return Mono.just(ServerFrame.Error.of(ErrorCodes.INTERNAL, "the request for a human failed; try again"));
                });
    }

    /**
     * Tells {@code listener} of each conversation that changed through this engine: a visitor's message
     * stored, a bot reply stored, a handoff requested. Called on whatever thread made the change; it must
     * not block.
     */
    public void onActivity(Consumer<Conversation> listener) {
        activityListeners.add(listener);
    }

    private void active(Conversation conversation) {
        for (Consumer<Conversation> listener : activityListeners) {
            try {
                listener.accept(conversation);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an activity listener failed", e);
            }
        }
    }

    /**
     * Before the node stops: lets its replies run until {@code deadline}, then hands the rest over to the
     * other nodes (see {@link ReplyRunner}); this node takes over no more replies from now on.
     */
    public Mono<Void> drain(Duration deadline) {
        draining = true;
        return replies.drain(deadline);
    }

    /**
     * Takes part again after a {@link #drain}: sweeps for orphaned replies resume. A node that stops and
     * starts again in one process (Spring's lifecycle allows it) is a live node once more.
     */
    public void resume() {
        draining = false;
    }

    /**
     * One sweep for replies whose node died or handed them over: each is ended as interrupted and its
     * question answered again (at most once); the number this node took over. Call it every second or so.
     */
    public Mono<Long> takeOverOrphanedReplies() {
        return draining ? Mono.just(0L) : takeover.sweep();
    }

    public int repliesInFlight() {
        return replies.runningCount();
    }

    /**
     * A started session, the welcome to send (its heartbeat still to be filled in by the transport),
     * and the seq to follow the conversation from.
     */
    public record Started(VisitorSession session, ServerFrame.Welcome welcome, long followFrom) {
    }
}
