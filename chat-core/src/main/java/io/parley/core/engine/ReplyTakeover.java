package io.parley.core.engine;

import io.parley.core.model.Finish;
import io.parley.core.port.AnsweringBots;
import io.parley.core.port.Conversations;
import io.parley.core.port.EventBus;
import io.parley.core.port.MessageLog;
import io.parley.core.port.ReplyStreams;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Ends the replies of nodes that died (or handed them over when stopping): a sweep claims each reply
 * whose lease ran out (exactly one node wins each), stores its text so far as the reply with finish
 * {@code interrupted} under the dead node's message id, announces its {@code reply.end}, then answers the
 * question again, at most once per question whatever happens to the new answer.
 */
final class ReplyTakeover {
    private static final Logger LOG = Logger.getLogger(ReplyTakeover.class.getName());
    private static final int PER_SWEEP = 100;

    private final MessageLog log;
    private final EventBus bus;
    private final ReplyStreams replies;
    private final Conversations conversations;
    private final ReplyRunner runner;
    private final AnsweringBots bots;
    private final EngineSettings.ReplyLeases leases;

    ReplyTakeover(MessageLog log, EventBus bus, ReplyStreams replies, Conversations conversations, ReplyRunner runner,
                  AnsweringBots bots, EngineSettings.ReplyLeases leases) {
        this.log = log;
        this.bus = bus;
        this.replies = replies;
        this.conversations = conversations;
        this.runner = runner;
        this.bots = bots;
        this.leases = leases;
    }

    /** One sweep; the number of replies this node took over. */
    Mono<Long> sweep() {
        return replies.expired(PER_SWEEP)
                .doOnNext(expired -> LOG.fine(() -> "lease ran out: " + expired))
                .concatMap(expired -> replies.claim(expired, leases.node(), leases.claimTtl())
                        .flatMap(this::end)
                        // Redis or PostgreSQL failing: the claim runs out and a later sweep (of any node) retries.
                        .onErrorResume(e -> {
                            LOG.log(Level.WARNING, "could not take over reply " + expired.messageId(), e);
                            return Mono.empty();
                        }))
                .count();
    }

    private Mono<Boolean> end(ReplyStreams.Claimed claimed) {
        ReplyStreams.ReplyRef ref = claimed.ref();
        String text = claimed.reply().textSoFar();
        return log.appendReply(ref.conversationId(), ref.messageId(), claimed.reply().author(), text, Finish.INTERRUPTED)
                .retryWhen(Retry.backoff(3, Duration.ofMillis(200)))
                .flatMap(appended -> {
                    Mono<Void> forgotten = quietly(replies.end(ref.conversationId(), ref.messageId()));
                    if (!appended.created()) {
                        // the generating node stored it after all, and announced it: nothing more to do
                        return forgotten.thenReturn(true);
                    }
                    LOG.info("took over reply " + ref.messageId() + " of node " + claimed.origin().node()
                            + " in " + ref.conversationId() + " (" + text.length() + " chars, interrupted)");
                    return forgotten
                            .then(quietly(bus.publish(ref.conversationId(), new LiveSignal.ReplyEnd(ref.conversationId(),
                                    ref.messageId(), appended.message().seq(), Finish.INTERRUPTED, text.length()))))
                            .then(answerAgain(claimed))
                            .thenReturn(true);
                });
    }

    private Mono<Void> answerAgain(ReplyStreams.Claimed claimed) {
        ReplyStreams.Origin origin = claimed.origin();
        var conversationId = claimed.ref().conversationId();
        return replies.firstRetry(conversationId, origin.questionId())
                // Redis down: the question might be answered again already; at most once wins over once.
                .onErrorReturn(false)
                .filter(first -> first)
                .flatMap(first -> conversations.find(conversationId))
                .filter(conversation -> !conversation.humanHandling())
                .flatMap(conversation -> bots.find(origin.botId()))
                .doOnNext(bot -> runner.reply(bot, conversationId, origin.questionId(), origin.question())
                        .subscribe(null, e -> LOG.log(Level.WARNING, "new answer failed in " + conversationId, e)))
                .then();
    }

    private static <T> Mono<T> quietly(Mono<T> step) {
        return step.onErrorResume(e -> Mono.empty());
    }
}
