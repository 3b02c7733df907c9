package io.parley.core.engine;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.port.EventBus;
import io.parley.core.port.MessageLog;
import io.parley.core.port.ReplyStreams;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follows a conversation for one reader: every stored event after a seq exactly once and in order,
 * then the live replies caught up, then live signals. It subscribes to the bus before reading the
 * log, so nothing falls between the two; a stored event that arrives ahead of its predecessors
 * (published by another node, or lost by the bus) makes it fetch the missing ones from the log.
 * The first element is {@link LiveSignal.Subscribed}: from then on nothing published is missed;
 * {@link LiveSignal.CaughtUp} follows the caught-up events and comes before the first live signal.
 */
final class ConversationFollower {
    private static final int PAGE = 500;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final MessageLog log;
    private final EventBus bus;
    private final ReplyStreams replies;

    ConversationFollower(MessageLog log, EventBus bus, ReplyStreams replies) {
        this.log = log;
        this.bus = bus;
        this.replies = replies;
    }

    Flux<LiveSignal> follow(ConversationId conversationId, long afterSeq) {
        return Flux.defer(() -> {
            Cursor cursor = new Cursor(conversationId, afterSeq);
            // No buffer of its own: the bus bounds what may wait per subscriber, and errors past it.
            return bus.subscribe(conversationId)
                    .switchOnFirst((first, signals) -> {
                        if (!(first.get() instanceof LiveSignal.Subscribed)) {
                            return signals;
                        }
                        Flux<LiveSignal> catchUp = readStored(conversationId, afterSeq, Long.MAX_VALUE)
                                .concatMap(cursor::acceptStored)
                                .concatWith(replies.live(conversationId).concatMap(cursor::acceptLiveReply));
                        return Flux.just(first.get()).concatWith(catchUp)
                                .concatWith(Mono.just(new LiveSignal.CaughtUp()))
                                .concatWith(signals.skip(1).concatMap(cursor::acceptLive));
                    });
        });
    }

    private Flux<StoredEvent> readStored(ConversationId conversationId, long afterSeq, long upToSeq) {
        // A stalled database must not hold live signals back for ever: the reader errors and resumes.
        return log.read(conversationId, afterSeq, upToSeq, PAGE).collectList().timeout(READ_TIMEOUT).flatMapMany(page -> {
            if (page.size() < PAGE) {
                return Flux.fromIterable(page);
            }
            long last = page.get(page.size() - 1).seq();
            return Flux.fromIterable(page).concatWith(readStored(conversationId, last, upToSeq));
        });
    }

    /** One reader's position; touched by one signal at a time (everything goes through concatMap). */
    private final class Cursor {
        private final ConversationId conversationId;
        private long lastSeq;
        private final Map<MessageId, Long> liveReplyLengths = new HashMap<>();
        private final Set<MessageId> finishedReplies = new HashSet<>();

        Cursor(ConversationId conversationId, long lastSeq) {
            this.conversationId = conversationId;
            this.lastSeq = lastSeq;
        }

        Flux<LiveSignal> acceptStored(StoredEvent event) {
            if (event.seq() <= lastSeq) {
                return Flux.empty();
            }
            lastSeq = event.seq();
            if (event instanceof StoredEvent.Message m && m.finish() != null) {
                finishedReplies.add(m.messageId());
                Long shown = liveReplyLengths.remove(m.messageId());
                if (shown != null) {
                    // The reader saw this reply stream: finish it as a stream, not as a second copy.
                    return endOfStream(m, shown);
                }
            }
            return Flux.just(new LiveSignal.Stored(event));
        }

        private Flux<LiveSignal> endOfStream(StoredEvent.Message reply, long shown) {
            LiveSignal end = new LiveSignal.ReplyEnd(conversationId, reply.messageId(), reply.seq(), reply.finish(),
                    reply.text().length());
            if (shown >= reply.text().length()) {
                return Flux.just(end);
            }
            String rest = reply.text().substring((int) shown);
            return Flux.just(new LiveSignal.ReplyDelta(conversationId, reply.messageId(), shown, rest), end);
        }

        Flux<LiveSignal> acceptLiveReply(ReplyStreams.LiveReply reply) {
            if (finishedReplies.contains(reply.messageId()) || liveReplyLengths.containsKey(reply.messageId())) {
                return Flux.empty();
            }
            liveReplyLengths.put(reply.messageId(), (long) reply.textSoFar().length());
            LiveSignal start = new LiveSignal.ReplyStart(conversationId, reply.messageId(), reply.author());
            if (reply.textSoFar().isEmpty()) {
                return Flux.just(start);
            }
            return Flux.just(start, new LiveSignal.ReplyDelta(conversationId, reply.messageId(), 0, reply.textSoFar()));
        }

        Flux<LiveSignal> acceptLive(LiveSignal signal) {
            if (signal instanceof LiveSignal.Stored stored) {
                return fillGapBefore(stored.event().seq()).concatWith(Flux.defer(() -> acceptStored(stored.event())));
            }
            if (signal instanceof LiveSignal.ReplyStart start) {
                if (finishedReplies.contains(start.messageId()) || liveReplyLengths.containsKey(start.messageId())) {
                    return Flux.empty();
                }
                liveReplyLengths.put(start.messageId(), 0L);
                return Flux.just(signal);
            }
            if (signal instanceof LiveSignal.ReplyDelta delta) {
                return Flux.defer(() -> acceptDelta(delta));
            }
            if (signal instanceof LiveSignal.ReplyEnd end) {
                return fillGapBefore(end.seq()).concatWith(Flux.defer(() -> acceptEnd(end)));
            }
            if (signal instanceof LiveSignal.Typing) {
                return Flux.just(signal);
            }
            return Flux.empty();
        }

        private Flux<LiveSignal> acceptDelta(LiveSignal.ReplyDelta delta) {
            if (finishedReplies.contains(delta.messageId())) {
                return Flux.empty();
            }
            Long known = liveReplyLengths.get(delta.messageId());
            if (known == null) {
                return Flux.empty();
            }
            long end = delta.offset() + delta.text().length();
            if (end <= known) {
                return Flux.empty();
            }
            liveReplyLengths.put(delta.messageId(), end);
            if (delta.offset() >= known) {
                return Flux.just(delta);
            }
            String unseen = delta.text().substring((int) (known - delta.offset()));
            return Flux.just(new LiveSignal.ReplyDelta(conversationId, delta.messageId(), known, unseen));
        }

        private Flux<LiveSignal> acceptEnd(LiveSignal.ReplyEnd end) {
            if (end.seq() <= lastSeq) {
                return Flux.empty();
            }
            Long shown = liveReplyLengths.get(end.messageId());
            if (shown != null && shown != end.length()) {
                // A piece went missing on the way: finish the reply from the stored text.
                return readStored(conversationId, lastSeq, end.seq()).concatMap(this::acceptStored);
            }
            if (shown != null) {
                lastSeq = end.seq();
                liveReplyLengths.remove(end.messageId());
                finishedReplies.add(end.messageId());
                return Flux.just(end);
            }
            // This reader never saw the reply's text: it gets the stored message instead.
            return readStored(conversationId, lastSeq, end.seq()).concatMap(this::acceptStored);
        }

        private Flux<LiveSignal> fillGapBefore(long seq) {
            return Flux.defer(() -> seq <= lastSeq + 1
                    ? Flux.empty()
                    : readStored(conversationId, lastSeq, seq - 1).concatMap(this::acceptStored));
        }
    }

}
