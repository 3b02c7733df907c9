package io.parley.persistence.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.port.JobClaims;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** A claim is a key set only if absent (SET NX) with the holder as value and a time to live. */
final class RedisJobClaims implements JobClaims {
    // generous: a claim is rare, and the first one may open the connection
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final RedisKeys keys;

    RedisJobClaims(LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys) {
        this.commands = commands;
        this.keys = keys;
    }

    // Redis down: the claim errors, so no node runs the job rather than every node.
    @Override
    public Mono<Boolean> claim(String run, String holder, Duration ttl) {
        return commands.get()
                .flatMap(c -> c.reactive().set(keys.jobClaim(run), holder, SetArgs.Builder.nx().px(ttl.toMillis())))
                .map("OK"::equals)
                .defaultIfEmpty(false)
                .timeout(TIMEOUT);
    }
}
