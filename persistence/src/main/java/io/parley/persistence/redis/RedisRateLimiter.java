package io.parley.persistence.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.port.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** One EVALSHA of rate-limit.lua per decision, however many limits it spans, shared by every node through Redis. */
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
    public Mono<Decision> tryAcquireAll(String group, List<KeyedLimit> limits) {
        List<KeyedLimit> windows = limits.stream()
                .filter(limit -> !limit.limit().unlimited())
                .map(limit -> new KeyedLimit(keys.rateLimit(group, limit.key()), limit.limit()))
                .toList();
        if (windows.isEmpty()) {
            return Mono.just(Decision.ALLOWED);
        }
        if (windows.stream().map(KeyedLimit::key).distinct().count() < windows.size()) {
            return Mono.error(new IllegalArgumentException("the keys of one decision must be distinct: " + limits));
        }
        String[] scriptKeys = windows.stream().map(KeyedLimit::key).toArray(String[]::new);
        String[] permitsAndWindows = windows.stream()
                .flatMap(window -> Stream.of(Integer.toString(window.limit().permits()),
                        Long.toString(Math.max(1, window.limit().window().toMillis()))))
                .toArray(String[]::new);
        return redis.get()
                .flatMap(connection -> script.run(connection.reactive(), scriptKeys, permitsAndWindows))
                .map(retryAfterMillis -> retryAfterMillis == 0 ? Decision.ALLOWED
                        : new Decision(false, retryAfterMillis))
                .timeout(REDIS_TIMEOUT)
                .doOnNext(decision -> {
                    if (degraded.compareAndSet(true, false)) {
                        log.info("Redis answers again: rate limits are shared by all nodes again");
                    }
                })
                // Redis failed or took over 500 ms: decide with this node's own windows (a per-node limit), never allow all, never error.
                .onErrorResume(failure -> {
                    if (degraded.compareAndSet(false, true)) {
                        log.warn("Redis rate limiting failed, limiting per node until it answers again: {}",
                                failure.toString());
                    }
                    return Mono.fromSupplier(() -> local.tryAcquireAll(windows));
                });
    }
}
