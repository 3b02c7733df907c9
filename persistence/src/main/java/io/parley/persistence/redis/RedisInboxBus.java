package io.parley.persistence.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.InboxBus;
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
 * Redis pub/sub, one channel per workspace ({@code <p>{w_…}:inbox}, hash-tagged like every key of the
 * workspace). Pub/sub rather than streams: an inbox update is a whole summary that supersedes the ones
 * before it, so a subscriber that misses some needs no history, only the next one or a fresh snapshot,
 * which a reconnecting agent gets anyway; a stream would keep (and need trimming of) a backlog nobody
 * reads, and a consumer per socket. The price, lost updates while a node's pub/sub connection is down,
 * is paid by failing the subscriptions then: the socket re-subscribes and gets a new snapshot.
 * All local subscribers of a workspace share one Redis subscription on one connection, reference-counted.
 */
final class RedisInboxBus implements InboxBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisInboxBus.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_PENDING_PER_SUBSCRIBER = 1024;
    private static final Signal SUBSCRIBED = new Signal.Subscribed();

    private final RedisClient client;
    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final RedisKeys keys;
    private final InboxSignalCodec codec = new InboxSignalCodec();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Object subscriptions = new Object();
    private final RedisConnectionStateListener connectionLost = new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == pubSub.ifOpen()) {
                failAll(new IllegalStateException("Redis pub/sub connection lost; inbox updates may have been missed"));
            }
        }
    };

    RedisInboxBus(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys) {
        this.client = client;
        this.commands = commands;
        this.keys = keys;
        this.pubSub = new LazyConnection<>(client, this::connectPubSub, keys.clientName("inbox"));
        client.addListener(connectionLost);
    }

    // Redis down: publish errors (callers drop the update: the next one or a new snapshot supersedes it); subscriptions error.
    @Override
    public Mono<Void> publish(WorkspaceId workspace, Signal signal) {
        return Mono.fromCallable(() -> codec.encode(signal))
                .flatMap(json -> commands.get()
                        .flatMap(connection -> connection.reactive().publish(keys.inbox(workspace), json)))
                .timeout(PUBLISH_TIMEOUT)
                .then();
    }

    @Override
    public Flux<Signal> subscribe(WorkspaceId workspace) {
        String channel = keys.inbox(workspace);
        return pubSub.get()
                .flatMapMany(connection -> Flux.<Signal>create(sink -> {
                    Subscriber subscriber = new Subscriber(sink);
                    CompletableFuture<Void> confirmed = attach(connection, channel, subscriber);
                    sink.onDispose(() -> detach(connection, channel, subscriber));
                    confirmed.copy()
                            .orTimeout(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .whenComplete((ok, failure) -> {
                                if (failure == null) {
                                    subscriber.ready();
                                } else {
                                    sink.error(failure);
                                }
                            });
                }, FluxSink.OverflowStrategy.BUFFER))
                .onBackpressureBuffer(MAX_PENDING_PER_SUBSCRIBER);
    }

    private CompletableFuture<Void> attach(StatefulRedisPubSubConnection<String, String> connection, String channel,
                                           Subscriber subscriber) {
        synchronized (subscriptions) {
            Channel state = channels.get(channel);
            if (state == null) {
                state = new Channel();
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

    private void detach(StatefulRedisPubSubConnection<String, String> connection, String channel, Subscriber subscriber) {
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
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Channel state = channels.get(channel);
                if (state == null) {
                    return;
                }
                Signal signal;
                try {
                    signal = codec.decode(message);
                } catch (RuntimeException e) {
                    // the exception's message may quote the payload, which holds a visitor's data
                    log.warn("skipped an undecodable inbox signal of {} chars: {}", message.length(), e.getClass().getName());
                    return;
                }
                state.subscribers.forEach(subscriber -> subscriber.deliver(signal));
            }

            @Override
            public void subscribed(String channel, long count) {
                synchronized (subscriptions) {
                    if (!channels.containsKey(channel)) {
                        connection.async().unsubscribe(channel);
                    }
                }
            }
        });
        return connection;
    }

    private void failAll(Throwable failure) {
        List<Subscriber> all = new ArrayList<>();
        synchronized (subscriptions) {
            channels.values().forEach(state -> all.addAll(state.subscribers));
        }
        all.forEach(subscriber -> subscriber.sink.error(failure));
    }

    @Override
    public void close() {
        client.removeListener(connectionLost);
        failAll(new IllegalStateException("Redis adapters closed"));
        pubSub.close();
    }

    private static final class Channel {
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    }

    /** Holds back signals that arrive before {@link Signal.Subscribed} has been emitted. */
    private static final class Subscriber {
        final FluxSink<Signal> sink;
        private @Nullable List<Signal> early = new ArrayList<>();

        Subscriber(FluxSink<Signal> sink) {
            this.sink = sink;
        }

        synchronized void deliver(Signal signal) {
            List<Signal> waiting = early;
            if (waiting != null) {
                waiting.add(signal);
            } else {
                sink.next(signal);
            }
        }

        synchronized void ready() {
            List<Signal> waiting = early;
            if (waiting == null) {
                return;
            }
            early = null;
            sink.next(SUBSCRIBED);
            waiting.forEach(sink::next);
        }
    }
}
