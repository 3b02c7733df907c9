package io.parley.gateway.ws;

import io.parley.core.engine.ConversationEngine;
import io.parley.core.engine.Outbox;
import io.parley.core.engine.SessionRefusedException;
import io.parley.core.engine.VisitorSession;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.WidgetKey;
import io.parley.core.protocol.BadFrameException;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.protocol.FrameCodec;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.ServerFrame;
import io.parley.gateway.config.WebSocketProperties;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One visitor's WebSocket: reads frames one at a time, answers through an {@link Outbox}, follows
 * the conversation once there is one, sends heartbeats and enforces the protocol's limits.
 */
final class VisitorConnection implements OpenSockets.Socket {
    private static final Logger LOG = LoggerFactory.getLogger(VisitorConnection.class);
    private static final Duration SESSION_START_TIMEOUT = Duration.ofSeconds(10);
    /** Refused messages a minute past which the client is told to stay away (4429) rather than retry at once. */
    private static final int RATE_LIMITED_BEFORE_CLOSE = 10;
    /** Frames other than messages (ping, typing, cancel, handoff) a connection may send per window. */
    private static final int CONTROL_FRAMES_PER_WINDOW = 30;
    private static final Duration CONTROL_WINDOW = Duration.ofSeconds(10);

    private final WebSocketSession socket;
    private final WidgetKey key;
    private final String clientAddress;
    private final ConversationEngine engine;
    private final FrameCodec codec;
    private final WebSocketProperties limits;
    private final Outbox outbox;
    private final SlidingCount rateLimited = new SlidingCount(Duration.ofMinutes(1));
    private final SlidingCount controlFrames = new SlidingCount(CONTROL_WINDOW);
    private final Disposable.Swap following = Disposables.swap();
    /** The conversation {@link #following} follows, and when it has caught up; frames are read one at a time. */
    private volatile @Nullable ConversationId followed;
    private volatile @Nullable Mono<Void> followedCaughtUp;
    private final SocketLifecycle lifecycle;
    private @Nullable VisitorSession session;

    VisitorConnection(WebSocketSession socket, WidgetKey key, String clientAddress, ConversationEngine engine,
                      FrameCodec codec, WebSocketProperties limits, SocketMeters meters) {
        this.socket = socket;
        this.key = key;
        this.clientAddress = clientAddress;
        this.engine = engine;
        this.codec = codec;
        this.limits = limits;
        this.outbox = new Outbox(limits.maxPendingBytes(), FrameSizes::estimate);
        this.lifecycle = new SocketLifecycle(socket, limits, meters);
        lifecycle.holdUntilClosed(following);
    }

    @Override
    public Mono<Void> run() {
        return lifecycle.run(this::onText, outbox.frames().map(codec::encode));
    }

    /** Closes with a protocol code; the reason is what a client author reads in their logs. */
    @Override
    public void close(int code, String reason) {
        lifecycle.close(code, reason);
    }

    private Mono<Void> onText(String text) {
        LOG.debug("frame on {}: {} chars", socket.getId(), text.length());
        ClientFrame frame;
        try {
            frame = codec.decodeVisitorFrame(text);
        } catch (BadFrameException e) {
            lifecycle.refuse(e, session != null, this::send);
            return Mono.empty();
        }
        VisitorSession current = session;
        if (current == null) {
            if (frame instanceof ClientFrame.Hello hello) {
                return start(hello);
            }
            close(CloseCodes.NOT_AUTHENTICATED, "the first frame must be hello");
            return Mono.empty();
        }
        if (frame instanceof ClientFrame.Hello) {
            send(ServerFrame.Error.of(ErrorCodes.ALREADY_STARTED, "hello was already received on this connection"));
            return Mono.empty();
        }
        if (!(frame instanceof ClientFrame.PostMessage) && overControlBudget()) {
            // typing, cancel, handoff and ping cost the server work too; a flood of them is refused here
            if (!(frame instanceof ClientFrame.Typing)) {
                send(new ServerFrame.Error(ErrorCodes.RATE_LIMITED, "too many frames; slow down", null,
                        CONTROL_WINDOW.toMillis()));
            }
            return Mono.empty();
        }
        if (frame instanceof ClientFrame.PostMessage message) {
            // the conversation is followed while the bot is asked, and before the message is stored
            return engine.post(current, message, conversation -> followOnce(current, conversation))
                    .onErrorResume(e -> {
                        LOG.warn("could not post a message: {}", e.toString());
                        return Mono.just(new ServerFrame.Error(ErrorCodes.STORE_FAILED,
                                "the message could not be stored; send it again with the same clientMsgId",
                                message.clientMsgId(), 1000L));
                    })
                    .doOnNext(this::answerPost)
                    .then();
        }
        if (frame instanceof ClientFrame.Ping ping) {
            send(new ServerFrame.Pong(ping.t()));
            return Mono.empty();
        }
        if (frame instanceof ClientFrame.Typing typing) {
            return engine.typing(current, typing.on());
        }
        if (frame instanceof ClientFrame.Cancel cancel) {
            return engine.cancel(current, cancel.messageId()).doOnNext(this::send).then();
        }
        return followingConversation(current)
                .then(engine.requestHandoff(current))
                .onErrorResume(e -> Mono.just(ServerFrame.Error.of(ErrorCodes.INTERNAL,
                        "the request for a human failed; try again")))
                .doOnNext(this::send)
                .then();
    }

    private Mono<Void> start(ClientFrame.Hello hello) {
        lifecycle.helloReceived();
        LOG.debug("hello on {}", socket.getId());
        return engine.startVisitor(key, hello, clientAddress)
                // A database that does not answer must not leave the client waiting for ever: it reconnects.
                .timeout(SESSION_START_TIMEOUT)
                .doOnNext(started -> {
                    LOG.debug("welcome for {} on {}", started.session().visitorId(), socket.getId());
                    session = started.session();
                    send(started.welcome().withHeartbeat(limits.heartbeat().toMillis()));
                    Conversation conversation = started.session().conversation();
                    if (conversation != null) {
                        follow(started.session(), conversation, started.followFrom()).onErrorComplete().subscribe();
                    }
                })
                .onErrorResume(SessionRefusedException.class, e -> {
                    close(e.closeCode(), e.getMessage());
                    return Mono.empty();
                })
                .onErrorResume(e -> {
                    LOG.warn("visitor session could not start: {}", e.toString());
                    close(CloseCodes.RESTARTING, "the server could not start the session; reconnect");
                    return Mono.empty();
                })
                .then();
    }

    /**
     * Makes sure this connection follows the session's conversation, creating it on first use, and
     * completes once the follow has caught up, so the reply to a first message is seen from its start.
     */
    private Mono<Void> followingConversation(VisitorSession current) {
        return engine.openConversation(current).flatMap(conversation -> followOnce(current, conversation));
    }

    /**
     * Follows the conversation from its start unless this connection already follows it; completes once the
     * follow has caught up, so that what is stored next reaches this connection live, in order, after its ack.
     */
    private Mono<Void> followOnce(VisitorSession current, Conversation conversation) {
        Mono<Void> caughtUp = followedCaughtUp;
        return conversation.id().equals(followed) && caughtUp != null ? caughtUp : follow(current, conversation, 0);
    }

    /** Follows the conversation; the Mono completes when it has caught up and live signals are flowing. */
    private Mono<Void> follow(VisitorSession current, Conversation conversation, long afterSeq) {
        String self = current.visitorId().value();
        Sinks.Empty<Void> live = Sinks.empty();
        followed = conversation.id();
        followedCaughtUp = live.asMono();
        following.update(engine.follow(conversation.id(), afterSeq)
                .filter(s -> !(s instanceof LiveSignal.Typing t && t.author().id().equals(self)))
                // the socket closed first: whoever waits to store a message must not wait for ever
                .doOnCancel(() -> live.tryEmitError(new CancellationException("the connection closed")))
                .subscribe(
                        signal -> {
                            if (signal instanceof LiveSignal.CaughtUp) {
                                live.tryEmitEmpty();
                                return;
                            }
                            ServerFrame frame = ServerFrame.of(signal);
                            if (frame instanceof ServerFrame.Handoff handoff) {
                                current.handoffSeen(handoff.state());
                            }
                            if (frame != null) {
                                send(frame);
                            }
                        },
                        e -> {
                            LOG.warn("following {} failed: {}", conversation.id(), e.toString());
                            close(CloseCodes.RESTARTING, "lost the conversation feed; reconnect with lastSeq");
                            live.tryEmitEmpty();
                        }));
        return live.asMono();
    }

    private void answerPost(ServerFrame answer) {
        send(answer);
        if (answer instanceof ServerFrame.Error error && ErrorCodes.RATE_LIMITED.equals(error.code())
                && rateLimited.record() > RATE_LIMITED_BEFORE_CLOSE) {
            close(CloseCodes.TOO_MANY, "retryAfterMs=" + error.retryAfterMs());
        }
    }

    private boolean overControlBudget() {
        return controlFrames.record() > CONTROL_FRAMES_PER_WINDOW;
    }

    private void send(ServerFrame frame) {
        if (!outbox.offer(frame)) {
            close(CloseCodes.POLICY, "reading too slowly: more than " + limits.maxPendingBytes()
                    + " bytes pending; resume with lastSeq");
        }
    }

}
