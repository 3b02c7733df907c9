package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.BotId;
import io.parley.core.port.BotChanges;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis pub/sub on one channel for every bot ({@code <p>{bots}:changes}); the payload is {@code {"bot":"<id>"}}
 * (a JSON object, as {@link PubSubChannels} stamps its origin into it). Pub/sub
 * rather than a stream: an announcement only says "read it again", so a node that was not listening needs no
 * backlog, only to forget what it kept, which it does when its subscription errors.
 */
final class RedisBotChanges implements BotChanges, AutoCloseable {
    static final int MAX_PENDING_PER_SUBSCRIBER = 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String channel;
    private final PubSubChannels<Signal> channels;

    RedisBotChanges(RedisClient client, LazyConnection<StatefulRedisConnection<String, String>> commands,
                    RedisKeys keys) {
        this.channel = keys.botChanges();
        this.channels = new PubSubChannels<>(client, commands, keys, "bots", RedisBotChanges::decode,
                new Signal.Subscribed(), MAX_PENDING_PER_SUBSCRIBER,
                () -> new IllegalStateException("Redis pub/sub connection lost; bot changes may have been missed"));
    }

    // Redis down: errors (the caller has stored the change already; other nodes see it once what they keep expires).
    @Override
    public Mono<Void> announce(BotId bot) {
        return Mono.fromCallable(() -> JSON.writeValueAsString(Map.of("bot", bot.value())))
                .flatMap(payload -> channels.publish(channel, new Signal.Changed(bot), payload));
    }

    private static Signal decode(String payload) {
        JsonNode bot = JSON.readTree(payload).get("bot");
        if (bot == null || !bot.isString() || bot.asString().isBlank()) {
            throw new IllegalArgumentException("no bot id");
        }
        return new Signal.Changed(new BotId(bot.asString()));
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
