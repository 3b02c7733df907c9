package io.parley.core.port;

import io.parley.core.model.RateLimit;
import reactor.core.publisher.Mono;

/** One atomic decision: may one more event happen under {@code key} within {@code limit}? */
public interface RateLimiter {

    Mono<Decision> tryAcquire(String key, RateLimit limit);

    record Decision(boolean allowed, long retryAfterMillis) {
        public static final Decision ALLOWED = new Decision(true, 0);
    }
}
