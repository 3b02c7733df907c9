package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.InboxBus;
import reactor.core.publisher.Flux;
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
    static final int MAX_PENDING_PER_SUBSCRIBER = 1024;

    private final RedisKeys keys;
    private final InboxSignalCodec codec = new InboxSignalCodec();
    private final PubSubChannels<Signal> channels;

    RedisInboxBus(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys) {
        this.keys = keys;
        this.channels = new PubSubChannels<>(client, commands, keys, "inbox", codec::decode, new Signal.Subscribed(),
                MAX_PENDING_PER_SUBSCRIBER,
                () -> new IllegalStateException("Redis pub/sub connection lost; inbox updates may have been missed"));
    }

    // Redis down: publish errors (callers drop the update: the next one or a new snapshot supersedes it); subscriptions error.
    @Override
    public Mono<Void> publish(WorkspaceId workspace, Signal signal) {
        return Mono.fromCallable(() -> codec.encode(signal))
                .flatMap(json -> channels.publish(keys.inbox(workspace), signal, json));
    }

    @Override
    public Flux<Signal> subscribe(WorkspaceId workspace) {
        return channels.subscribe(keys.inbox(workspace), signal -> true);
    }

    // Redis down: errors (the caller publishes anyway).
    @Override
    public Mono<Boolean> watched(WorkspaceId workspace) {
        return channels.subscribers(keys.inbox(workspace)).map(count -> count > 0);
    }

    @Override
    public void close() {
        channels.close();
    }
}
