package io.parley.core.port;

import io.parley.core.model.Author;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The text so far of bot replies still being streamed, so that a reader who resumes can catch up, and
 * the lease of each: the node generating a reply holds it and renews it while streaming; a reply whose
 * lease ran out (its node died or lost Redis) is found by {@link #expired} and taken over by exactly one
 * node through {@link #claim}.
 */
public interface ReplyStreams {

    /** Begins a reply whose lease {@code origin.node()} holds for {@code leaseTtl}. */
    Mono<Void> begin(ConversationId conversationId, MessageId messageId, Author author, Origin origin,
                     Duration leaseTtl);

    /**
     * Appends {@code delta}'s text to its reply for {@code node} and announces it to the conversation's
     * followers, in one step: every node following the conversation receives {@code delta} as a
     * {@link LiveSignal.ReplyDelta} from {@link EventBus#subscribe}, after the signals this node published on
     * the {@link EventBus} before calling, and only when the piece was appended. Returns the reply's whole
     * length (in chars) after it. Errors with {@link LeaseLostException}, announcing nothing, when another
     * node holds the reply's lease, and with {@link IllegalStateException} when the reply was never begun,
     * has ended or has expired.
     */
    Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node);

    /**
     * As {@link #appendAndAnnounce(LiveSignal.ReplyDelta, String)}; when {@code leaseHeld} (the caller renewed
     * its lease so recently that no other node can have taken the reply over), this node's own followers may
     * get {@code delta} before Redis has it, without waiting for the round trip.
     */
    default Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node, boolean leaseHeld) {
        return appendAndAnnounce(delta, node);
    }

    /**
     * Forgets the reply: its text and place in the index of leases. Its lease stays until it runs out,
     * so a node still streaming a reply that another node ended finds itself fenced.
     */
    Mono<Void> end(ConversationId conversationId, MessageId messageId);

    /** Replies of the conversation still being streamed. */
    Flux<LiveReply> live(ConversationId conversationId);

    /**
     * Extends {@code node}'s lease by {@code ttl} (taking it again if it ran out and nobody claimed it);
     * false when another node holds it, in which case {@code node} must stop and store nothing.
     */
    Mono<Boolean> renew(ConversationId conversationId, MessageId messageId, String node, Duration ttl);

    /**
     * Gives up {@code node}'s lease so that any node takes the reply over at its next sweep, as if
     * {@code node} had died; false when another node holds the lease.
     */
    Mono<Boolean> release(ConversationId conversationId, MessageId messageId, String node);

    /** Up to {@code max} replies whose lease has run out. */
    Flux<ReplyRef> expired(int max);

    /**
     * Takes over a reply whose lease ran out: of all nodes claiming it, exactly one gets it (the lease,
     * for {@code ttl}, with the text so far); the others, and every claim while the lease runs, get empty.
     * A reply whose text has expired too is forgotten and gives empty.
     */
    Mono<Claimed> claim(ReplyRef reply, String node, Duration ttl);

    /**
     * The once-flag of answering a question again: true for the first caller only (per question, for a
     * day), so a question whose reply was taken over is answered again at most once.
     */
    Mono<Boolean> firstRetry(ConversationId conversationId, MessageId questionId);

    record LiveReply(MessageId messageId, Author author, String textSoFar) {
    }

    /** Who generates a reply, and to what: the node holding its lease, the question and the bot answering. */
    record Origin(String node, MessageId questionId, String question, BotId botId) {
    }

    record ReplyRef(ConversationId conversationId, MessageId messageId) {
    }

    /** A reply taken over: its text so far and where it came from. */
    record Claimed(ReplyRef ref, LiveReply reply, Origin origin) {
    }

    /** Another node holds the reply's lease: the caller's reply was taken over. */
    final class LeaseLostException extends RuntimeException {
        public LeaseLostException(MessageId messageId) {
            super("another node took over reply " + messageId);
        }
    }
}
