package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.ConversationId;
import io.parley.core.port.EventBus;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.LiveSignalCodec;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Redis pub/sub, one channel per conversation ({@link PubSubChannels}: one shared subscription per channel
 * on a node). A signal must belong to the conversation of its channel, on the way out and on the way in.
 */
final class RedisEventBus implements EventBus, AutoCloseable {
    static final int MAX_PENDING_PER_SUBSCRIBER = 4096;

    private final RedisKeys keys;
    private final LiveSignalCodec codec = new LiveSignalCodec();
    private final PubSubChannels<LiveSignal> channels;

    RedisEventBus(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands,
                  RedisKeys keys) {
        this.keys = keys;
        this.channels = new PubSubChannels<>(client, commands, keys, "events", codec::decode,
                new LiveSignal.Subscribed(), MAX_PENDING_PER_SUBSCRIBER, PubSubConnectionLostException::new);
    }

    // Redis down: publish errors (the caller may ignore it: stored events reach followers from PostgreSQL by seq); subscribe errors, and so do live subscriptions when the connection drops, for they may have missed signals.
    @Override
    public Mono<Void> publish(ConversationId conversationId, LiveSignal signal) {
        return Mono.fromCallable(() -> {
                    if (!conversationId.equals(conversationOf(signal))) {
                        throw new IllegalArgumentException("a signal of " + conversationOf(signal)
                                + " published to " + conversationId);
                    }
                    return codec.encode(signal);
                })
                .flatMap(json -> channels.publish(keys.events(conversationId), signal, json));
    }

    @Override
    public Flux<LiveSignal> subscribe(ConversationId conversationId) {
        return channels.subscribe(keys.events(conversationId), signal -> conversationId.equals(conversationOf(signal)));
    }

    /** The conversations' channels, for a script that publishes a signal as part of a larger decision. */
    PubSubChannels<LiveSignal> channels() {
        return channels;
    }

    @Override
    public void close() {
        channels.close();
    }

    private static @Nullable ConversationId conversationOf(LiveSignal signal) {
        if (signal instanceof LiveSignal.Stored stored) {
            return stored.event().conversationId();
        } else if (signal instanceof LiveSignal.ReplyStart start) {
            return start.conversationId();
        } else if (signal instanceof LiveSignal.ReplyDelta delta) {
            return delta.conversationId();
        } else if (signal instanceof LiveSignal.ReplyEnd end) {
            return end.conversationId();
        } else if (signal instanceof LiveSignal.Typing typing) {
            return typing.conversationId();
        } else if (signal instanceof LiveSignal.CancelReply cancel) {
            return cancel.conversationId();
        }
        return null;
    }

    /** The pub/sub connection dropped: signals published meanwhile were not received. */
    static final class PubSubConnectionLostException extends IllegalStateException {
        PubSubConnectionLostException() {
            super("Redis pub/sub connection lost; signals may have been missed");
        }
    }
}
