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
import java.time.Duration;
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
    private boolean helloReceived;
    private volatile @Nullable AgentSession session;
    private int failedChecks;

    AgentConnection(WebSocketSession socket, String throttleSubject, AgentSessions sessions, FrameCodec codec,
                    WebSocketProperties limits, Duration sessionCheck) {
        this.socket = socket;
        this.throttleSubject = throttleSubject;
        this.sessions = sessions;
        this.codec = codec;
        this.limits = limits;
        this.sessionCheck = sessionCheck;
        this.outbox = new Outbox(limits.maxPendingBytes(), FrameSizes::estimate);
        this.lifecycle = new SocketLifecycle(socket, limits);
        lifecycle.holdUntilClosed(sessionTimers);
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
            frame = AgentFrames.decode(text);
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
            AgentSession current = session;
            Permission needed = AgentFrames.permissionFor(later.type());
            if (current == null || !needed.allows(current.membership().role())) {
                // Checked on every frame; a changed role ends the session (4401) within the session check.
                send(ServerFrame.Error.of(ErrorCodes.FORBIDDEN, "your role ("
                        + (current == null ? "none" : current.membership().role().wire()) + ") may not send '"
                        + later.type() + "' (" + needed.wire() + ")"));
                return Mono.empty();
            }
            send(ServerFrame.Error.of(AgentFrames.NOT_IMPLEMENTED,
                    "'" + later.type() + "' is not available on /ws/agent yet"));
        }
        return Mono.empty();
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
