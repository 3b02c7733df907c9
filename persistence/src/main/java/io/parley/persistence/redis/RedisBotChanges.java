package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.BotId;
import io.parley.core.port.BotChanges;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Redis pub/sub on one channel for every bot ({@code <p>{bots}:changes}); the payload is the bot's id. Pub/sub
 * rather than a stream: an announcement only says "read it again", so a node that was not listening needs no
 * backlog, only to forget what it kept, which it does when its subscription errors.
 */
final class RedisBotChanges implements BotChanges, AutoCloseable {
    static final int MAX_PENDING_PER_SUBSCRIBER = 1024;

    private final String channel;
    private final PubSubChannels<Signal> channels;

    RedisBotChanges(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands,
                    RedisKeys keys) {
        this.channel = keys.botChanges();
        this.channels = new PubSubChannels<>(client, commands, keys, "bots", id -> new Signal.Changed(new BotId(id)),
                new Signal.Subscribed(), MAX_PENDING_PER_SUBSCRIBER,
                () -> new IllegalStateException("Redis pub/sub connection lost; bot changes may have been missed"));
    }

    // Redis down: errors (the caller has stored the change already; other nodes see it once what they keep expires).
    @Override
    public Mono<Void> announce(BotId bot) {
        return channels.publish(channel, bot.value());
    }

    @Override
    public Flux<Signal> changes() {
        return channels.subscribe(channel, signal -> true);
    }

    @Override
    public void close() {
        channels.close();
    }
}
