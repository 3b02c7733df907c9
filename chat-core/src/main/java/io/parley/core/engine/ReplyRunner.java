package io.parley.core.engine;

import io.parley.core.model.Author;
import io.parley.core.model.Bot;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.port.Conversations;
import io.parley.core.port.EventBus;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.MessageLog;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.Responder;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Streams bot replies: {@code reply.start}, the responder's pieces as {@code reply.delta}s, then the
 * whole text stored as a message and {@code reply.end} with its seq. A reply runs on its own, apart
 * from the connection that triggered it, so a reader who goes away does not cut it short.
 * <p>
 * This node holds each reply's lease while it streams it and renews it; when another node took the
 * reply over (this node was presumed dead: a long pause, or Redis out of reach for longer than the
 * lease), it stops at once and stores nothing, the taking node ends it ({@link ReplyTakeover}).
 */
final class ReplyRunner {
    private static final Logger LOG = Logger.getLogger(ReplyRunner.class.getName());

    /** How long a reply waits for its cancel subscription to be in place before it starts anyway. */
    private static final Duration LISTEN_WAIT = Duration.ofSeconds(2);

    private final MessageLog log;
    private final Conversations conversations;
    private final EventBus bus;
    private final ReplyStreams replies;
    private final IdGenerator ids;
    private final Function<Bot, Responder> responders;
    private final EngineSettings settings;
    private final EngineSettings.ReplyLeases leases;
    private final Map<MessageId, Running> running = new ConcurrentHashMap<>();

    ReplyRunner(MessageLog log, Conversations conversations, EventBus bus, ReplyStreams replies, IdGenerator ids,
                Function<Bot, Responder> responders, EngineSettings settings) {
        this.log = log;
        this.conversations = conversations;
        this.bus = bus;
        this.replies = replies;
        this.ids = ids;
        this.responders = responders;
        this.settings = settings;
        this.leases = settings.leases();
    }

    /**
     * The bot's answer to a question whose message is still being stored, asked of the responder now so
     * that the model's time to its first token overlaps the gateway's own work (storing, announcing,
     * the reply's buffer and lease). Its pieces wait until {@link #reply} streams them; whoever does not
     * pass it to {@code reply} discards it, which cancels the responder (an upstream request is closed).
     */
    Answer answerEarly(Bot bot, ConversationId conversationId, String question, Responder.Prepared prepared) {
        Disposable.Swap connection = Disposables.swap();
        Flux<String> pieces = responders.apply(bot)
                .reply(new Responder.ReplyContext(bot, conversationId, question, prepared))
                .doFinally(signal -> prepared.discard())
                .replay()
                .autoConnect(0, connection::update);
        return new Answer(pieces, connection);
    }

    /**
     * The reads the bot's responder does before it asks its model, started while the question is being admitted;
     * see {@link Responder#prepare}. The caller passes it to {@link #answerEarly} or discards it.
     */
    Responder.Prepared prepare(Bot bot, String question) {
        return responders.apply(bot).prepare(bot, question);
    }

    /** A bot answer already asked for; see {@link #answerEarly}. */
    static final class Answer {
        private final Flux<String> pieces;
        private final Disposable connection;

        private Answer(Flux<String> pieces, Disposable connection) {
            this.pieces = pieces.doFinally(signal -> connection.dispose());
            this.connection = connection;
        }

        /** Cancels the answer if it runs; idempotent. */
        void discard() {
            connection.dispose();
        }
    }

    /** Starts a reply to the question {@code questionId}; the Mono completes when the reply is stored. */
    Mono<MessageId> reply(Bot bot, ConversationId conversationId, MessageId questionId, String question) {
        return reply(bot, conversationId, questionId, question, null);
    }

    /**
     * As {@link #reply(Bot, ConversationId, MessageId, String)}, streaming {@code early} when it is given;
     * the reply's end ends it, and its caller discards it should the reply never stream it.
     */
    Mono<MessageId> reply(Bot bot, ConversationId conversationId, MessageId questionId, String question,
                          @Nullable Answer early) {
        MessageId messageId = ids.messageId();
        Author author = bot.author();
        Running state = new Running(conversationId);
        running.put(messageId, state);
        StringBuilder text = new StringBuilder();
        ReplyStreams.Origin origin = new ReplyStreams.Origin(leases.node(), questionId, question, bot.id());

        // Listening for cancels starts before the reply is visible to other nodes, so that a takeover's cancel,
        // which finds the reply through its Redis buffer, cannot slip in before this node hears it.
        Sinks.Empty<Void> listening = Sinks.empty();
        Sinks.One<LiveSignal.CancelReply> cancelledElsewhere = Sinks.one();
        Disposable.Swap cancelWatch = Disposables.swap();

        Mono<Boolean> leaseLost = Flux.interval(leases.renewEvery())
                // a renewal slower than the interval (a loaded node or Redis) skips ticks instead of failing the reply
                .onBackpressureDrop()
                .concatMap(tick -> Mono.defer(() -> {
                            long sent = System.nanoTime();
                            return replies.renew(conversationId, messageId, leases.node(), leases.ttl())
                                    .doOnNext(held -> {
                                        if (held) {
                                            state.leaseHeldFrom(sent, leases.ttl());
                                        }
                                    });
                        })
                        // Redis down: nobody can take the reply over meanwhile, so keep streaming.
                        .onErrorReturn(true))
                .filter(held -> !held)
                .next();

        Flux<String> answer = early != null ? early.pieces
                : responders.apply(bot).reply(new Responder.ReplyContext(bot, conversationId, question));
        Flux<String> pieces = answer
                .takeUntilOther(state.stop.asMono())
                .takeUntilOther(leaseLost.doOnNext(lost -> state.lost()))
                .takeUntilOther(cancelledElsewhere.asMono().doOnNext(c -> state.finish(Finish.CANCELLED)));

        Mono<Void> listen = Mono.defer(() -> {
            cancelWatch.update(bus.subscribe(conversationId)
                    .doOnNext(signal -> {
                        if (signal instanceof LiveSignal.Subscribed) {
                            listening.tryEmitEmpty();
                        }
                    })
                    .ofType(LiveSignal.CancelReply.class)
                    .filter(c -> c.messageId().equals(messageId))
                    .next()
                    // Bus down: a cancel sent to another node cannot reach this reply; it still ends by itself.
                    .subscribe(cancelledElsewhere::tryEmitValue, e -> listening.tryEmitEmpty()));
            return listening.asMono().timeout(LISTEN_WAIT, Mono.empty());
        });

        Mono<Finish> streamed = listen
                .then(quietly(Mono.defer(() -> {
                    long sent = System.nanoTime();
                    return replies.begin(conversationId, messageId, author, origin, leases.ttl())
                            .doOnSuccess(begun -> state.leaseHeldFrom(sent, leases.ttl()));
                })))
                .then(botsTurn(conversationId))
                .flatMap(botsTurn -> botsTurn ? stream(conversationId, messageId, author, pieces, state, text)
                        // a human took the conversation over since the engine decided to answer: say nothing
                        : quietly(replies.end(conversationId, messageId)).then(Mono.<Finish>empty()));

        return streamed
                .flatMap(finish -> state.isLost() ? Mono.<Void>empty()
                        : state.handingOver() ? handOver(conversationId, messageId, author, text)
                        : stillHeld(conversationId, messageId)
                                .flatMap(held -> held ? store(conversationId, messageId, author, text, finish)
                                        : Mono.<Void>empty()))
                .doFinally(s -> {
                    cancelWatch.dispose();
                    running.remove(messageId);
                    state.done.tryEmitEmpty();
                })
                .thenReturn(messageId);
    }

    /** Whether the bot still has the conversation: false once a human handles it (asked for or took it over). */
    private Mono<Boolean> botsTurn(ConversationId conversationId) {
        return conversations.find(conversationId)
                .map(conversation -> !conversation.humanHandling())
                .defaultIfEmpty(true)
                // Database down: the engine decided to answer a moment ago; a takeover's cancel still stops it.
                .onErrorReturn(true);
    }

    private Mono<Finish> stream(ConversationId conversationId, MessageId messageId, Author author, Flux<String> pieces,
                                Running state, StringBuilder text) {
        // Followers get the start, the pieces in order, then the end: each is published once the one before it
        // has been (or given up on), and the ports keep the order of what one node writes (see appendAndAnnounce).
        return quietly(bus.publish(conversationId, new LiveSignal.ReplyStart(conversationId, messageId, author)))
                .thenMany(pieces)
                .concatMap(piece -> {
                    if (state.isLost()) {
                        return Mono.empty();
                    }
                    int room = settings.maxReplyChars() - text.length();
                    String accepted = piece.length() <= room ? piece : piece.substring(0, Math.max(room, 0));
                    if (accepted.length() < piece.length()) {
                        state.finish(Finish.LENGTH);
                        state.stop.tryEmitEmpty();
                    }
                    if (accepted.isEmpty()) {
                        return Mono.empty();
                    }
                    long offset = text.length();
                    text.append(accepted);
                    // One round trip: buffered for readers who resume, and announced to followers, unless the
                    // reply was taken over. Redis down: the piece stays in text for the stored reply, unseen live.
                    return quietly(replies.appendAndAnnounce(
                                    new LiveSignal.ReplyDelta(conversationId, messageId, offset, accepted), leases.node(),
                                    state.leaseSurelyHeld())
                            .onErrorResume(ReplyStreams.LeaseLostException.class, lost -> {
                                state.lost();
                                return Mono.empty();
                            })
                            .then());
                })
                .then(Mono.fromSupplier(() -> state.finishOr(Finish.STOP)))
                .onErrorResume(e -> {
                    LOG.log(Level.WARNING, "responder failed for " + conversationId, e);
                    return Mono.just(Finish.ERROR);
                });
    }

    /**
     * The fence before storing: holds the lease long enough to store, so no node takes the reply over
     * meanwhile; false when one already has (it stores the reply instead).
     */
    private Mono<Boolean> stillHeld(ConversationId conversationId, MessageId messageId) {
        return replies.renew(conversationId, messageId, leases.node(), leases.claimTtl())
                // Redis down: nobody can take it over; store it (the idempotent append settles any race).
                .onErrorReturn(true)
                .doOnNext(held -> {
                    if (!held) {
                        LOG.info("reply " + messageId + " was taken over by another node; not storing it here");
                    }
                });
    }

    private Mono<Void> store(ConversationId conversationId, MessageId messageId, Author author, StringBuilder text,
                             Finish finish) {
        return log.appendReply(conversationId, messageId, author, text.toString(), finish)
                // Database down: keep trying for a while (the append is idempotent on messageId).
                .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
                .flatMap(appended -> {
                    Mono<Void> ended = quietly(replies.end(conversationId, messageId));
                    // Stored by a node that took the reply over (with its finish): that node announced it.
                    boolean ours = appended.created() || appended.message().finish() == finish;
                    return ours ? ended.then(quietly(bus.publish(conversationId, new LiveSignal.ReplyEnd(conversationId,
                            messageId, appended.message().seq(), finish, text.length())))) : ended;
                })
                .onErrorResume(e -> {
                    LOG.log(Level.SEVERE, "reply " + messageId + " could not be stored", e);
                    return quietly(replies.end(conversationId, messageId)).then(Mono.error(e));
                });
    }

    /**
     * Leaves the reply to another node (released lease: the next sweep of any node ends it as interrupted
     * and answers again); when Redis cannot take the release, stores it as interrupted here.
     */
    private Mono<Void> handOver(ConversationId conversationId, MessageId messageId, Author author, StringBuilder text) {
        return replies.release(conversationId, messageId, leases.node())
                .onErrorReturn(false)
                .flatMap(released -> released ? Mono.<Void>empty()
                        : stillHeld(conversationId, messageId).flatMap(held -> held
                                ? store(conversationId, messageId, author, text, Finish.INTERRUPTED)
                                : Mono.<Void>empty()));
    }

    /** Stops a reply of the conversation streamed by this node; false when this node streams no such reply. */
    boolean cancelLocal(ConversationId conversationId, MessageId messageId) {
        Running state = running.get(messageId);
        if (state == null || !state.conversationId.equals(conversationId)) {
            return false;
        }
        state.finish(Finish.CANCELLED);
        state.stop.tryEmitEmpty();
        return true;
    }

    /**
     * Lets this node's replies run until {@code deadline}, then hands the rest over to the other nodes,
     * waiting (bounded by the shutdown grace) until each is handed over or stored.
     */
    Mono<Void> drain(Duration deadline) {
        return allDone()
                .timeout(deadline, Mono.defer(() -> Flux.fromIterable(running.values())
                        .flatMap(state -> {
                            state.handOver();
                            state.stop.tryEmitEmpty();
                            return state.done.asMono();
                        })
                        .then()
                        .timeout(settings.shutdownGrace(), Mono.empty())));
    }

    /** Completes once no reply runs, including replies started while waiting (messages still come in). */
    private Mono<Void> allDone() {
        return Mono.defer(() -> running.isEmpty() ? Mono.empty()
                : Flux.fromIterable(java.util.List.copyOf(running.values()))
                        .flatMap(state -> state.done.asMono())
                        .then(allDone()));
    }

    int runningCount() {
        return running.size();
    }

    /** Redis down: the live view of a reply degrades, the stored reply stays complete. */
    private static <T> Mono<T> quietly(Mono<T> step) {
        return step.onErrorResume(e -> {
            LOG.log(Level.FINE, "live reply signal lost", e);
            return Mono.empty();
        });
    }

    private static final class Running {
        final ConversationId conversationId;
        final Sinks.Empty<Void> stop = Sinks.empty();
        final Sinks.Empty<Void> done = Sinks.empty();
        final AtomicReference<Finish> finish = new AtomicReference<>();
        private volatile boolean lost;
        private volatile boolean handingOver;
        /** {@link System#nanoTime} before which no other node can have taken the reply over; 0 when unknown. */
        private volatile long leaseSureUntil;

        Running(ConversationId conversationId) {
            this.conversationId = conversationId;
        }

        void finish(Finish reason) {
            finish.compareAndSet(null, reason);
        }

        Finish finishOr(Finish fallback) {
            Finish f = finish.get();
            return f == null ? fallback : f;
        }

        /**
         * A begin or renewal sent at {@code sentNanos} succeeded: the lease runs until at least {@code ttl} after
         * it on Redis's clock. Only half of that is trusted here, for the two clocks and a slow node.
         */
        void leaseHeldFrom(long sentNanos, Duration ttl) {
            leaseSureUntil = sentNanos + ttl.toNanos() / 2;
        }

        boolean leaseSurelyHeld() {
            long until = leaseSureUntil;
            return until != 0 && System.nanoTime() - until < 0;
        }

        void lost() {
            lost = true;
            stop.tryEmitEmpty();
        }

        boolean isLost() {
            return lost;
        }

        void handOver() {
            if (finish.compareAndSet(null, Finish.INTERRUPTED)) {
                handingOver = true;
            }
        }

        boolean handingOver() {
            return handingOver;
        }
    }
}
