package io.parley.persistence.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.parley.core.model.ConversationId;
import io.parley.core.port.EventBus;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.LiveSignalCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Redis pub/sub, one channel per conversation. All local subscribers share one pub/sub connection and
 * one Redis subscription per channel, reference-counted. Signals are emitted on Lettuce's I/O thread:
 * subscribers must not block.
 */
final class RedisEventBus implements EventBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_PENDING_PER_SUBSCRIBER = 4096;
    private static final LiveSignal SUBSCRIBED = new LiveSignal.Subscribed();

    private final RedisClient client;
    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final RedisKeys keys;
    private final LiveSignalCodec codec = new LiveSignalCodec();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    /** Held while a reference count changes and its SUBSCRIBE/UNSUBSCRIBE is written, so both keep one order. */
    private final Object subscriptions = new Object();
    private final RedisConnectionStateListener connectionLost = new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == pubSub.ifOpen()) {
                failAll(new PubSubConnectionLostException());
            }
        }
    };

    RedisEventBus(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands,
                  RedisKeys keys) {
        this.client = client;
        this.commands = commands;
        this.keys = keys;
        this.pubSub = new LazyConnection<>(client, this::connectPubSub, keys.clientName("events"));
        client.addListener(connectionLost);
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
                .flatMap(json -> commands.get()
                        .flatMap(connection -> connection.reactive().publish(keys.events(conversationId), json)))
                .timeout(PUBLISH_TIMEOUT)
                .then();
    }

    @Override
    public Flux<LiveSignal> subscribe(ConversationId conversationId) {
        String channel = keys.events(conversationId);
        return pubSub.get()
                .flatMapMany(connection -> Flux.<LiveSignal>create(sink -> {
                    LocalSubscriber subscriber = new LocalSubscriber(sink);
                    CompletableFuture<Void> confirmed = attach(connection, channel, conversationId, subscriber);
                    sink.onDispose(() -> detach(connection, channel, subscriber));
                    confirmed.copy()
                            .orTimeout(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .whenComplete((ok, failure) -> {
                                if (failure == null) {
                                    subscriber.ready();
                                } else {
                                    subscriber.fail(failure);
                                }
                            });
                }, FluxSink.OverflowStrategy.BUFFER))
                .onBackpressureBuffer(MAX_PENDING_PER_SUBSCRIBER);
    }

    private CompletableFuture<Void> attach(StatefulRedisPubSubConnection<String, String> connection, String channel,
                                           ConversationId conversationId, LocalSubscriber subscriber) {
        synchronized (subscriptions) {
            Channel state = channels.get(channel);
            if (state == null) {
                // registered before SUBSCRIBE is written, so that its confirmation always finds it
                state = new Channel(conversationId);
                channels.put(channel, state);
                CompletableFuture<Void> confirmed = state.confirmed;
                connection.async().subscribe(channel).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        confirmed.complete(null);
                    } else {
                        confirmed.completeExceptionally(failure);
                    }
                });
            }
            state.subscribers.add(subscriber);
            return state.confirmed;
        }
    }

    private void detach(StatefulRedisPubSubConnection<String, String> connection, String channel,
                        LocalSubscriber subscriber) {
        synchronized (subscriptions) {
            Channel state = channels.get(channel);
            if (state == null || !state.subscribers.remove(subscriber) || !state.subscribers.isEmpty()) {
                return;
            }
            channels.remove(channel);
            if (connection.isOpen()) {
                connection.async().unsubscribe(channel);
            }
        }
    }

    private StatefulRedisPubSubConnection<String, String> connectPubSub(RedisClient redis) {
        StatefulRedisPubSubConnection<String, String> connection = redis.connectPubSub();
        connection.addListener(new Dispatcher(connection));
        return connection;
    }

    private void failAll(Throwable failure) {
        List<LocalSubscriber> all = new ArrayList<>();
        synchronized (subscriptions) {
            channels.values().forEach(state -> all.addAll(state.subscribers));
        }
        all.forEach(subscriber -> subscriber.fail(failure));
    }

    @Override
    public void close() {
        client.removeListener(connectionLost);
        failAll(new IllegalStateException("Redis adapters closed"));
        pubSub.close();
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

    private final class Dispatcher extends RedisPubSubAdapter<String, String> {
        private final StatefulRedisPubSubConnection<String, String> connection;

        Dispatcher(StatefulRedisPubSubConnection<String, String> connection) {
            this.connection = connection;
        }

        @Override
        public void message(String channel, String message) {
            Channel state = channels.get(channel);
            if (state == null) {
                return;
            }
            LiveSignal signal;
            try {
                signal = codec.decode(message);
            } catch (RuntimeException e) {
                // the exception's message may quote the payload, which can hold a visitor's text
                log.warn("skipped an undecodable signal of {} chars on {}: {}", message.length(), channel,
                        e.getClass().getName());
                return;
            }
            if (!state.conversationId.equals(conversationOf(signal))) {
                log.warn("skipped a signal of {} on {}", conversationOf(signal), channel);
                return;
            }
            state.subscribers.forEach(subscriber -> subscriber.deliver(signal));
        }

        @Override
        public void subscribed(String channel, long count) {
            // Lettuce resubscribes after a reconnect to channels whose subscribers have failed meanwhile
            synchronized (subscriptions) {
                if (!channels.containsKey(channel)) {
                    connection.async().unsubscribe(channel);
                }
            }
        }
    }

    private static final class Channel {
        final ConversationId conversationId;
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        final List<LocalSubscriber> subscribers = new CopyOnWriteArrayList<>();

        Channel(ConversationId conversationId) {
            this.conversationId = conversationId;
        }
    }

    /** Holds back signals that arrive before {@link LiveSignal.Subscribed} has been emitted. */
    private static final class LocalSubscriber {
        private final FluxSink<LiveSignal> sink;
        private @Nullable List<LiveSignal> early = new ArrayList<>();

        LocalSubscriber(FluxSink<LiveSignal> sink) {
            this.sink = sink;
        }

        synchronized void deliver(LiveSignal signal) {
            List<LiveSignal> waiting = early;
            if (waiting != null) {
                waiting.add(signal);
            } else {
                sink.next(signal);
            }
        }

        synchronized void ready() {
            List<LiveSignal> waiting = early;
            if (waiting == null) {
                return;
            }
            early = null;
            sink.next(SUBSCRIBED);
            waiting.forEach(sink::next);
        }

        void fail(Throwable failure) {
            sink.error(failure);
        }
    }

    /** The pub/sub connection dropped: signals published meanwhile were not received. */
    static final class PubSubConnectionLostException extends IllegalStateException {
        PubSubConnectionLostException() {
            super("Redis pub/sub connection lost; signals may have been missed");
        }
    }
}
