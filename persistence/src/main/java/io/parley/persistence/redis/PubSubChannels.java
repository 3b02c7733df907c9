package io.parley.persistence.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Redis pub/sub channels of one kind of signal {@code T} (conversation events, workspace inboxes): all
 * local subscribers share one pub/sub connection and one Redis subscription per channel, reference-counted.
 * Each subscriber first gets {@code subscribed} once the Redis subscription is confirmed, then every signal
 * published after it. Signals are emitted on the thread that delivers them (Lettuce's I/O threads, or the
 * publisher's for a piece delivered first): subscribers must not block.
 *
 * <p>A signal published here reaches this node's subscribers without a round trip through Redis, and
 * without being decoded again:
 * <ul>
 * <li>Each instance stamps its payloads (JSON objects) with a random origin as their first member,
 * {@code {"@":"<origin>",…}}. Redis's echo of our own is recognised by that prefix and dropped; any other
 * payload is decoded as it is, the codecs ignoring the member. So payloads of a node of the previous version
 * (no stamp) are read here, and ours are read there, during a rolling upgrade. A JSON object that is not
 * ours cannot start with our stamp: the origin is followed by its closing quote.</li>
 * <li>The signal the caller passed is delivered to the channel's local subscribers when Redis reports that
 * the command published it (PUBLISH, or a script that says so), on the I/O thread that completes the
 * command, through the same {@link Subscriber#deliver} and {@code belongs} check as signals from Redis.
 * One connection's commands complete in the order Redis ran them, so local subscribers see this node's
 * signals in the order every other node sees them. A command that fails delivers nothing locally: like a
 * remote follower, a local one misses it (callers already treat a failed publish as lost: stored events are
 * read back by seq, a reply's missing text by its length). A command that times out is delivered locally
 * then, as Redis may still publish it and its echo would be dropped. A reply's piece whose node surely holds
 * the reply's lease goes to the local subscribers before the command instead, as nothing but Redis failing
 * can stop it from being published (then local followers saw a piece others see at the reply's end).</li>
 * <li>{@code subscribe}'s promise holds: a subscriber is in its channel before {@code subscribed} is emitted,
 * so a publish completing after that finds it; one completing while the subscription is being confirmed is
 * held back and comes after {@code subscribed} (a signal from before, which readers dedupe as they do
 * signals of other nodes: by seq and reply offset).</li>
 * <li>Other nodes' signals still come through Redis, on the pub/sub connection: one of them may overtake
 * one of ours that Redis ran first, as signals of two other nodes may reach a node out of order; readers
 * cope (ConversationFollower fills seq gaps from the log and finishes a reply from its stored text when
 * {@code reply.end}'s length differs from what it showed; inbox summaries carry their lastSeq).</li>
 * </ul>
 */
final class PubSubChannels<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubSubChannels.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How every payload published here starts: a JSON object whose first member is our origin (8 base64url chars). */
    private final String stamp = "{\"@\":\"" + randomOrigin() + "\"";

    private final RedisClient client;
    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final Function<String, T> decode;
    private final T subscribed;
    private final int maxPendingPerSubscriber;
    private final Supplier<RuntimeException> connectionLostFailure;
    private final Map<String, Channel<T>> channels = new ConcurrentHashMap<>();
    /** Held while a reference count changes and its SUBSCRIBE/UNSUBSCRIBE is written, so both keep one order. */
    private final Object subscriptions = new Object();
    private final RedisConnectionStateListener connectionLost = new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == pubSub.ifOpen()) {
                failAll(connectionLostFailure.get());
            }
        }
    };

    /**
     * @param clientName            the pub/sub connection's Redis client name suffix
     * @param decode                a payload to a signal; it throws on a payload it cannot read
     * @param connectionLostFailure the error of every live subscription when the pub/sub connection drops
     */
    PubSubChannels(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys,
                   String clientName, Function<String, T> decode, T subscribed, int maxPendingPerSubscriber,
                   Supplier<RuntimeException> connectionLostFailure) {
        this.client = client;
        this.commands = commands;
        this.decode = decode;
        this.subscribed = subscribed;
        this.maxPendingPerSubscriber = maxPendingPerSubscriber;
        this.connectionLostFailure = connectionLostFailure;
        this.pubSub = new LazyConnection<>(client, this::connectPubSub, keys.clientName(clientName));
        client.addListener(connectionLost);
    }

    /** Publishes {@code signal}, encoded as {@code payload}, to every subscriber of the channel on any node. */
    Mono<Void> publish(String channel, T signal, String payload) {
        return publishing(channel, signal, payload, (redis, stamped) -> redis.publish(channel, stamped), count -> true,
                false).then();
    }

    /**
     * Runs {@code command} on the command connection, giving it {@code payload} (a JSON object with at least
     * one member) stamped with this node's origin to publish on {@code channel}, and delivers {@code signal} to
     * the channel's local subscribers: at once when {@code deliverFirst} (the caller knows nothing but Redis
     * failing can stop the command from publishing), otherwise once its result says it published, or when the
     * command times out (Redis may still publish it, and its echo is dropped here). Errors after
     * {@link #PUBLISH_TIMEOUT}.
     */
    <R> Mono<R> publishing(String channel, T signal, String payload,
                           BiFunction<RedisReactiveCommands<String, String>, String, Mono<R>> command,
                           Predicate<R> published, boolean deliverFirst) {
        String stamped = stamp + "," + payload.substring(1);
        return Mono.defer(() -> {
            if (deliverFirst) {
                deliver(channel, signal);
            }
            return commands.get()
                    .flatMap(connection -> command.apply(connection.reactive(), stamped)
                            // on the I/O thread that completes the command: in the order Redis ran this node's commands
                            .doOnNext(result -> {
                                if (!deliverFirst && published.test(result)) {
                                    deliver(channel, signal);
                                }
                            }))
                    .timeout(PUBLISH_TIMEOUT)
                    .doOnError(TimeoutException.class, late -> {
                        if (!deliverFirst) {
                            deliver(channel, signal);
                        }
                    });
        });
    }

    /**
     * How many Redis clients (one per node with local subscribers) are subscribed to the channel now, by
     * {@code PUBSUB NUMSUB}. That counts every subscriber because Parley speaks to one Redis (directly or
     * through Sentinel); on a Cluster it would count those of the node asked only, so Cluster support
     * (planned) must move channels to sharded pub/sub, whose {@code SHARDNUMSUB} counts them all.
     */
    Mono<Long> subscribers(String channel) {
        return commands.get()
                .flatMap(connection -> connection.reactive().pubsubNumsub(channel))
                .map(counts -> counts.getOrDefault(channel, 0L))
                .timeout(PUBLISH_TIMEOUT);
    }

    /** The channel's signals that {@code belongs} accepts (others are logged and skipped), after {@code subscribed}. */
    Flux<T> subscribe(String channel, Predicate<T> belongs) {
        return pubSub.get()
                .flatMapMany(connection -> Flux.<T>create(sink -> {
                    Subscriber<T> subscriber = new Subscriber<>(sink, subscribed);
                    CompletableFuture<Void> confirmed = attach(connection, channel, belongs, subscriber);
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
                .onBackpressureBuffer(maxPendingPerSubscriber);
    }

    private CompletableFuture<Void> attach(StatefulRedisPubSubConnection<String, String> connection, String channel,
                                           Predicate<T> belongs, Subscriber<T> subscriber) {
        synchronized (subscriptions) {
            Channel<T> state = channels.get(channel);
            if (state == null) {
                // registered before SUBSCRIBE is written, so that its confirmation always finds it
                state = new Channel<>(belongs);
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
                        Subscriber<T> subscriber) {
        synchronized (subscriptions) {
            Channel<T> state = channels.get(channel);
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
                if (!channels.containsKey(channel) || message.startsWith(stamp)) {
                    // ours was delivered here when Redis published it
                    return;
                }
                T signal;
                try {
                    signal = decode.apply(message);
                } catch (RuntimeException e) {
                    // the exception's message may quote the payload, which can hold a visitor's text
                    log.warn("skipped an undecodable signal of {} chars on {}: {}", message.length(), channel,
                            e.getClass().getName());
                    return;
                }
                deliver(channel, signal);
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
        });
        return connection;
    }

    private void deliver(String channel, T signal) {
        Channel<T> state = channels.get(channel);
        if (state == null) {
            return;
        }
        if (!state.belongs.test(signal)) {
            log.warn("skipped a signal that does not belong to {}", channel);
            return;
        }
        state.subscribers.forEach(subscriber -> subscriber.deliver(signal));
    }

    private static String randomOrigin() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void failAll(Throwable failure) {
        List<Subscriber<T>> all = new ArrayList<>();
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

    private static final class Channel<T> {
        final Predicate<T> belongs;
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        final List<Subscriber<T>> subscribers = new CopyOnWriteArrayList<>();

        Channel(Predicate<T> belongs) {
            this.belongs = belongs;
        }
    }

    /** Holds back signals that arrive before {@code subscribed} has been emitted. */
    private static final class Subscriber<T> {
        final FluxSink<T> sink;
        private final T subscribed;
        private @Nullable List<T> early = new ArrayList<>();

        Subscriber(FluxSink<T> sink, T subscribed) {
            this.sink = sink;
            this.subscribed = subscribed;
        }

        synchronized void deliver(T signal) {
            List<T> waiting = early;
            if (waiting != null) {
                waiting.add(signal);
            } else {
                sink.next(signal);
            }
        }

        synchronized void ready() {
            List<T> waiting = early;
            if (waiting == null) {
                return;
            }
            early = null;
            sink.next(subscribed);
            waiting.forEach(sink::next);
        }
    }
}
