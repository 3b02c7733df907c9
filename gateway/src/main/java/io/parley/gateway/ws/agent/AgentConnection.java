package io.parley.gateway.ws.agent;

import io.parley.core.engine.Outbox;
import io.parley.core.protocol.BadFrameException;
import io.parley.core.model.Permission;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.FrameCodec;
import io.parley.core.protocol.ServerFrame;
import io.parley.gateway.config.WebSocketProperties;
import io.parley.gateway.ws.FrameSizes;
import io.parley.gateway.ws.OpenSockets;
import io.parley.gateway.ws.SocketLifecycle;
import io.parley.gateway.ws.agent.AgentSessions.AgentSession;
import io.parley.core.engine.Agent;
import io.parley.core.engine.AgentDesk;
import io.parley.core.engine.InboxEvent;
import io.parley.core.model.ConversationId;
import io.parley.core.protocol.LiveSignal;
import io.parley.gateway.ws.SlidingCount;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One operator's WebSocket. The first frame must be {@code hello} with an access token; after
 * {@code welcome} the socket answers {@code ping}, sends heartbeats, and lives only as long as the
 * session: it is closed 4401 when the token expires (a timer at its {@code exp}) and, checked every
 * {@link AgentSocketProperties#sessionCheck()}, when the operator is disabled, logged out everywhere,
 * changes role or leaves the workspace.
 */
final class AgentConnection implements OpenSockets.Socket {
    private static final Logger LOG = LoggerFactory.getLogger(AgentConnection.class);
    /** Frames other than messages a connection may send per window, as for visitors. */
    private static final int CONTROL_FRAMES_PER_WINDOW = 30;
    private static final Duration CONTROL_WINDOW = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Conversations one socket may follow at once: each holds a subscription and a replay. */
    static final int MAX_JOINED = 100;
    /** Tells this node's socket ids apart from other nodes' in the shared presence set. */
    private static final String NODE = java.util.UUID.randomUUID().toString();

    private final WebSocketSession socket;
    private final String throttleSubject;
    private final AgentSessions sessions;
    private final FrameCodec codec;
    private final WebSocketProperties limits;
    private final Duration sessionCheck;
    private final Outbox outbox;
    private final Sinks.One<String> welcome = Sinks.one();
    private final Disposable.Composite sessionTimers = Disposables.composite();
    private final SocketLifecycle lifecycle;
    private final AgentDesk desk;
    private final Disposable.Swap inbox = Disposables.swap();
    private final Disposable.Composite live = Disposables.composite();
    /** The conversations this socket joined, each followed until left or closed; touched by one frame at a time. */
    private final Map<ConversationId, Disposable> joined = new HashMap<>();
    private final SlidingCount controlFrames = new SlidingCount(CONTROL_WINDOW);
    private boolean helloReceived;
    private volatile @Nullable AgentSession session;
    private volatile @Nullable Agent agent;
    private int failedChecks;

    AgentConnection(WebSocketSession socket, String throttleSubject, AgentSessions sessions, FrameCodec codec,
                    WebSocketProperties limits, Duration sessionCheck, AgentDesk desk, io.parley.gateway.ws.SocketMeters meters) {
        this.desk = desk;
        this.socket = socket;
        this.throttleSubject = throttleSubject;
        this.sessions = sessions;
        this.codec = codec;
        this.limits = limits;
        this.sessionCheck = sessionCheck;
        this.outbox = new Outbox(limits.maxPendingBytes(), FrameSizes::estimate);
        this.lifecycle = new SocketLifecycle(socket, limits, meters);
        lifecycle.holdUntilClosed(sessionTimers);
        lifecycle.holdUntilClosed(inbox);
        lifecycle.holdUntilClosed(live);
        lifecycle.holdUntilClosed(() -> {
            synchronized (joined) {
                joined.values().forEach(Disposable::dispose);
                joined.clear();
            }
        });
    }

    @Override
    public Mono<Void> run() {
        // welcome is not a ServerFrame of the shared codec: it goes first, then the outbox's frames.
        return lifecycle.run(this::onText, Flux.concat(welcome.asMono(), outbox.frames().map(codec::encode)));
    }

    /** Closes with a protocol code; the reason is what a client author reads in their logs. */
    @Override
    public void close(int code, String reason) {
        lifecycle.close(code, reason);
    }

    private Mono<Void> onText(String text) {
        AgentFrames.Frame frame;
        try {
            frame = AgentFrames.decode(text, codec);
        } catch (BadFrameException e) {
            lifecycle.refuse(e, helloReceived, this::send);
            return Mono.empty();
        }
        if (!helloReceived) {
            if (frame instanceof AgentFrames.Hello hello) {
                helloReceived = true;
                return start(hello);
            }
            close(CloseCodes.NOT_AUTHENTICATED, "the first frame must be hello");
            return Mono.empty();
        }
        if (frame instanceof AgentFrames.Hello) {
            send(ServerFrame.Error.of(ErrorCodes.ALREADY_STARTED, "hello was already received on this connection"));
        } else if (frame instanceof AgentFrames.Ping ping) {
            send(new ServerFrame.Pong(ping.t()));
        } else if (frame instanceof AgentFrames.Later later) {
            if (permitted(later.type())) {
                send(ServerFrame.Error.of(AgentFrames.NOT_IMPLEMENTED,
                        "'" + later.type() + "' is the visitor's request for a human; agents send takeover"));
            }
        } else if (frame instanceof AgentFrames.Request request) {
            if (!permitted(request.type())) {
                return Mono.empty();
            }
            if (!(request instanceof AgentFrames.Message) && controlFrames.record() > CONTROL_FRAMES_PER_WINDOW) {
                if (!(request instanceof AgentFrames.Typing)) {
                    send(new ServerFrame.Error(ErrorCodes.RATE_LIMITED, "too many frames; slow down", null,
                            CONTROL_WINDOW.toMillis()));
                }
                return Mono.empty();
            }
            return handle(request);
        }
        return Mono.empty();
    }

    /** Checked on every frame; a changed role ends the session (4401) within the session check. */
    private boolean permitted(String type) {
        AgentSession current = session;
        Permission needed = AgentFrames.permissionFor(type);
        if (current == null || !needed.allows(current.membership().role())) {
            send(ServerFrame.Error.of(ErrorCodes.FORBIDDEN, "your role ("
                    + (current == null ? "none" : current.membership().role().wire()) + ") may not send '"
                    + type + "' (" + needed.wire() + ")"));
            return false;
        }
        return true;
    }

    private Mono<Void> handle(AgentFrames.Request request) {
        Agent me = agent;
        if (me == null) {
            return Mono.empty();
        }
        if (request instanceof AgentFrames.Subscribe subscribe) {
            if (subscribe.inbox()) {
                subscribeInbox(me);
            } else {
                inbox.update(Disposables.disposed());
            }
            return Mono.empty();
        }
        if (request instanceof AgentFrames.Join join) {
            return join(me, join);
        }
        if (request instanceof AgentFrames.Leave leave) {
            Disposable following;
            synchronized (joined) {
                following = joined.remove(leave.conversationId());
            }
            if (following != null) {
                following.dispose();
            }
            return Mono.empty();
        }
        Mono<ServerFrame> answer;
        if (request instanceof AgentFrames.Message message) {
            answer = desk.post(me, message.conversationId(), message.message().clientMsgId(), message.message().text());
        } else if (request instanceof AgentFrames.Typing typing) {
            answer = desk.typing(me, typing.conversationId(), typing.on());
        } else if (request instanceof AgentFrames.Cancel cancel) {
            answer = desk.cancel(me, cancel.conversationId(), cancel.messageId());
        } else if (request instanceof AgentFrames.Takeover takeover) {
            answer = desk.takeover(me, takeover.conversationId());
        } else if (request instanceof AgentFrames.Release release) {
            answer = desk.release(me, release.conversationId());
        } else {
            return Mono.empty();
        }
        return answer.timeout(REQUEST_TIMEOUT)
                .onErrorResume(e -> {
                    LOG.warn("agent {} failed: {}", request.type(), e.toString());
                    return Mono.just(ServerFrame.Error.of(ErrorCodes.INTERNAL, "'" + request.type()
                            + "' failed; try again"));
                })
                .doOnNext(this::send)
                .then();
    }

    private void subscribeInbox(Agent me) {
        boolean shown = seesPersonalData();
        inbox.update(desk.inbox(me.workspace())
                .subscribe(event -> send(new ServerFrame.Prepared(encode(event, shown))),
                        e -> {
                            LOG.warn("inbox of {} failed: {}", me.workspace(), e.toString());
                            close(CloseCodes.RESTARTING, "lost the inbox feed; reconnect and subscribe again");
                        }));
    }

    /** Replays the conversation after {@code lastSeq}, then follows it live; a second join starts over. */
    private Mono<Void> join(Agent me, AgentFrames.Join join) {
        ConversationId id = join.conversationId();
        return desk.conversationOf(me.workspace(), id)
                .timeout(REQUEST_TIMEOUT)
                .map(conversation -> {
                    String self = me.id().value();
                    Disposable following = desk.join(id, join.lastSeq())
                            .filter(s -> !(s instanceof LiveSignal.Typing t && t.author().id().equals(self)))
                            .subscribe(signal -> {
                                ServerFrame frame = ServerFrame.of(signal);
                                if (frame != null) {
                                    send(frame);
                                }
                            }, e -> {
                                LOG.warn("following {} failed: {}", id, e.toString());
                                close(CloseCodes.RESTARTING, "lost the conversation feed; reconnect and join with lastSeq");
                            });
                    Disposable previous;
                    boolean tooMany;
                    synchronized (joined) {
                        tooMany = !joined.containsKey(id) && joined.size() >= MAX_JOINED;
                        previous = tooMany ? null : joined.put(id, following);
                    }
                    if (tooMany) {
                        following.dispose();
                        send(ServerFrame.Error.of(AgentFrames.TOO_MANY_JOINED, "at most " + MAX_JOINED
                                + " conversations may be joined on one socket; leave one first"));
                    } else if (previous != null) {
                        previous.dispose();
                    }
                    return true;
                })
                .switchIfEmpty(Mono.fromRunnable(() -> send(ServerFrame.Error.of(ErrorCodes.NOT_FOUND,
                        "no conversation " + id + " in this workspace"))))
                .onErrorResume(e -> {
                    LOG.warn("agent join failed: {}", e.toString());
                    send(ServerFrame.Error.of(ErrorCodes.INTERNAL, "'join' failed; try again"));
                    return Mono.empty();
                })
                .then();
    }

    private static String encode(InboxEvent event, boolean shown) {
        if (event instanceof InboxEvent.Snapshot snapshot) {
            return AgentFrames.inbox(snapshot.conversations(), shown);
        }
        if (event instanceof InboxEvent.Update update) {
            return AgentFrames.inboxUpdate(update.conversation(), shown);
        }
        return AgentFrames.presence(((InboxEvent.Online) event).agents());
    }

    private boolean seesPersonalData() {
        AgentSession current = session;
        return current != null && Permission.PERSONAL_DATA_READ.allows(current.membership().role());
    }

    private Mono<Void> start(AgentFrames.Hello hello) {
        lifecycle.helloReceived();
        return sessions.start(hello, throttleSubject)
                .timeout(limits.helloTimeout())
                .doOnNext(outcome -> {
                    if (outcome instanceof AgentSessions.Outcome.Started started) {
                        welcomed(started.session());
                    } else if (outcome instanceof AgentSessions.Outcome.Refused refused) {
                        LOG.debug("agent hello refused on {}: {}", socket.getId(), refused.reason());
                        close(refused.closeCode(), refused.reason());
                    }
                })
                .onErrorResume(e -> {
                    LOG.warn("agent session could not start: {}", e.toString());
                    close(CloseCodes.RESTARTING, "the server could not start the session; reconnect");
                    return Mono.empty();
                })
                .then();
    }

    private void welcomed(AgentSession started) {
        session = started;
        Agent me = new Agent(started.operator().id(), started.operator().displayName(), started.workspace().id());
        agent = me;
        live.add(desk.present(me, socket.getId() + "@" + NODE).subscribe());
        welcome.tryEmitValue(AgentFrames.welcome(started.operator(), started.membership(), started.workspace(),
                limits.heartbeat().toMillis()));
        Duration untilExpiry = Duration.between(sessions.now(), started.expiresAt());
        sessionTimers.add(Mono.delay(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry)
                .subscribe(t -> close(CloseCodes.NOT_AUTHENTICATED, AgentSessions.EXPIRED)));
        sessionTimers.add(Flux.interval(sessionCheck, sessionCheck)
                .onBackpressureDrop()
                .concatMap(tick -> recheck(started), 1)
                .subscribe());
    }

    /**
     * One re-check of the session. A check that fails (database down, no answer within the interval)
     * keeps the socket; a second failure in a row closes it 1012, so a session ended meanwhile never
     * outlives two intervals (60 s by default).
     */
    private Mono<Void> recheck(AgentSession current) {
        return sessions.recheck(current)
                .timeout(sessionCheck)
                .doOnNext(problem -> {
                    failedChecks = 0;
                    problem.ifPresent(reason -> close(CloseCodes.NOT_AUTHENTICATED, reason));
                })
                .onErrorResume(e -> {
                    LOG.warn("agent session re-check failed: {}", e.toString());
                    if (++failedChecks >= 2) {
                        close(CloseCodes.RESTARTING, "could not re-check the session; reconnect");
                    }
                    return Mono.empty();
                })
                .then();
    }

    private void send(ServerFrame frame) {
        if (!outbox.offer(frame)) {
            close(CloseCodes.POLICY, "reading too slowly: more than " + limits.maxPendingBytes() + " bytes pending");
        }
    }

}
