package io.parley.persistence.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.port.PendingLogins;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Pending logins as plain keys with a time to live; GETDEL makes taking one a single step. */
final class RedisPendingLogins implements PendingLogins {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final RedisKeys keys;

    RedisPendingLogins(LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys) {
        this.commands = commands;
        this.keys = keys;
    }

    // Redis down: put and take error, so a login that cannot be finished on any node is not started.
    @Override
    public Mono<Void> put(String id, String request, Duration lifetime) {
        return commands.get()
                .flatMap(c -> c.reactive().set(keys.pendingLogin(id), request, SetArgs.Builder.px(lifetime.toMillis())))
                .timeout(TIMEOUT)
                .then();
    }

    @Override
    public Mono<String> take(String id) {
        return commands.get()
                .flatMap(c -> c.reactive().getdel(keys.pendingLogin(id)))
                .timeout(TIMEOUT);
    }
}
