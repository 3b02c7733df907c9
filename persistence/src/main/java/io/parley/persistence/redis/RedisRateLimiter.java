package io.parley.persistence.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.RateLimit;
import io.parley.core.port.RateLimiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** One EVALSHA of rate-limit.lua per decision, shared by every node through Redis. */
final class RedisRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    private final LazyConnection<StatefulRedisConnection<String, String>> redis;
    private final RedisKeys keys;
    private final RedisScript script = RedisScript.named("rate-limit.lua");
    private final LocalRateLimiter local = new LocalRateLimiter(System::nanoTime);
    private final AtomicBoolean degraded = new AtomicBoolean();

    RedisRateLimiter(LazyConnection<StatefulRedisConnection<String, String>> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public Mono<Decision> tryAcquire(String key, RateLimit limit) {
        if (limit.unlimited()) {
            return Mono.just(Decision.ALLOWED);
        }
        String[] scriptKeys = {keys.rateLimit(key)};
        String permits = Integer.toString(limit.permits());
        String windowMillis = Long.toString(Math.max(1, limit.window().toMillis()));
        return redis.get()
                .flatMap(connection -> script.run(connection.reactive(), scriptKeys, permits, windowMillis))
                .map(retryAfterMillis -> retryAfterMillis == 0 ? Decision.ALLOWED
                        : new Decision(false, retryAfterMillis))
                .timeout(REDIS_TIMEOUT)
                .doOnNext(decision -> {
                    if (degraded.compareAndSet(true, false)) {
                        log.info("Redis answers again: rate limits are shared by all nodes again");
                    }
                })
                // Redis failed or took over 500 ms: decide with this node's own window for the key (a per-node limit), never allow all, never error.
                .onErrorResume(failure -> {
                    if (degraded.compareAndSet(false, true)) {
                        log.warn("Redis rate limiting failed, limiting per node until it answers again: {}",
                                failure.toString());
                    }
                    return Mono.fromSupplier(() -> local.tryAcquire(key, limit));
                });
    }
}
