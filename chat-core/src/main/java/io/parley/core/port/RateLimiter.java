package io.parley.core.port;

import io.parley.core.model.RateLimit;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Atomic decisions: may one more event happen within one or several limits? Each limit is a sliding
 * window of the events it admitted, named by a group and a key.
 */
public interface RateLimiter {

    /**
     * One decision over several limits, taken atomically:
     * <ul>
     * <li>the event is admitted only when every limit admits it, and is then counted under every key;</li>
     * <li>when any limit refuses it, it is counted under none: a refused event uses no permit of any
     * limit, so a client held back by one limit does not also spend its permits of the others;</li>
     * <li>a refusal's {@code retryAfterMillis} is the longest wait among the refusing limits: after it,
     * each of them admits one more (if nothing else used their permits meanwhile).</li>
     * </ul>
     * {@link RateLimit#UNLIMITED} limits take no part; with none left the event is admitted. A window is
     * named by {@code group} and its key: the same key in another group is another window. The group is
     * what the keys have in common (e.g. their workspace); an adapter keeps a group's windows together so
     * that one decision can span them (one Redis Cluster slot). The keys must be distinct.
     */
    Mono<Decision> tryAcquireAll(String group, List<KeyedLimit> limits);

    /** One limit alone: the window of {@code key} in a group of its own. */
    default Mono<Decision> tryAcquire(String key, RateLimit limit) {
        return tryAcquireAll(key, List.of(new KeyedLimit(key, limit)));
    }

    /** The events counted under {@code key}, at most as many as {@code limit} says. */
    record KeyedLimit(String key, RateLimit limit) {
    }

    record Decision(boolean allowed, long retryAfterMillis) {
        public static final Decision ALLOWED = new Decision(true, 0);
    }
}
