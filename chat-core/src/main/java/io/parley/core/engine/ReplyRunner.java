package io.parley.core.engine;

import io.parley.core.model.Author;
import io.parley.core.model.Bot;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Streams bot replies: {@code reply.start}, the responder's pieces as {@code reply.delta}s, then the
 * whole text stored as a message and {@code reply.end} with its seq. A reply runs on its own, apart
 * from the connection that triggered it, so a reader who goes away does not cut it short.
 */
final class ReplyRunner {
    private static final Logger LOG = Logger.getLogger(ReplyRunner.class.getName());

    private final MessageLog log;
    private final EventBus bus;
    private final ReplyStreams replies;
    private final IdGenerator ids;
    private final Function<Bot, Responder> responders;
    private final EngineSettings settings;
    private final Map<MessageId, Running> running = new ConcurrentHashMap<>();

    ReplyRunner(MessageLog log, EventBus bus, ReplyStreams replies, IdGenerator ids,
                Function<Bot, Responder> responders, EngineSettings settings) {
        this.log = log;
        this.bus = bus;
        this.replies = replies;
        this.ids = ids;
        this.responders = responders;
        this.settings = settings;
    }

    /** Starts a reply to {@code question}; the Mono completes when the reply is stored. */
    Mono<MessageId> reply(Bot bot, ConversationId conversationId, String question) {
        MessageId messageId = ids.messageId();
        Author author = bot.author();
        Running state = new Running(conversationId);
        running.put(messageId, state);
        StringBuilder text = new StringBuilder();

        Flux<LiveSignal.CancelReply> cancelledElsewhere = bus.subscribe(conversationId)
                .ofType(LiveSignal.CancelReply.class)
                .filter(c -> c.messageId().equals(messageId))
                // Bus down: a cancel sent to another node cannot reach this reply; it still ends by itself.
                .onErrorResume(e -> Flux.never());

        Flux<String> pieces = responders.apply(bot)
                .reply(new Responder.ReplyContext(bot, conversationId, question))
                .takeUntilOther(state.stop.asMono())
                .takeUntilOther(cancelledElsewhere.next().doOnNext(c -> state.finish(Finish.CANCELLED)));

        Mono<Finish> streamed = quietly(replies.begin(conversationId, messageId, author))
                .then(quietly(bus.publish(conversationId, new LiveSignal.ReplyStart(conversationId, messageId, author))))
                .thenMany(pieces)
                .concatMap(piece -> {
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
                    return quietly(replies.append(conversationId, messageId, accepted).then())
                            .then(quietly(bus.publish(conversationId,
                                    new LiveSignal.ReplyDelta(conversationId, messageId, offset, accepted))));
                })
                .then(Mono.fromSupplier(() -> state.finishOr(Finish.STOP)))
                .onErrorResume(e -> {
                    LOG.log(Level.WARNING, "responder failed for " + conversationId, e);
                    return Mono.just(Finish.ERROR);
                });

        return streamed
                .flatMap(finish -> log.appendReply(conversationId, messageId, author, text.toString(), finish)
                        // Database down: keep trying for a while (the append is idempotent on messageId).
                        .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
                        .flatMap(appended -> quietly(replies.end(conversationId, messageId))
                                .then(quietly(bus.publish(conversationId, new LiveSignal.ReplyEnd(conversationId,
                                        messageId, appended.message().seq(), finish, text.length()))))))
                .onErrorResume(e -> {
                    LOG.log(Level.SEVERE, "reply " + messageId + " could not be stored", e);
                    return quietly(replies.end(conversationId, messageId)).then(Mono.error(e));
                })
                .doFinally(s -> {
                    running.remove(messageId);
                    state.done.tryEmitEmpty();
                })
                .thenReturn(messageId);
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

    /** Ends every reply of this node as interrupted and waits (bounded) until they are stored. */
    Mono<Void> interruptAll() {
        return Flux.fromIterable(running.values())
                .flatMap(state -> {
                    state.finish(Finish.INTERRUPTED);
                    state.stop.tryEmitEmpty();
                    return state.done.asMono();
                })
                .then()
                .timeout(settings.shutdownGrace(), Mono.empty());
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
    }
}
