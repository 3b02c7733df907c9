/**
 * Redis adapters of the chat-core ports (Lettuce, reactive): cross-node fan-out over pub/sub, live
 * reply buffers with a TTL, and the rate limiter. Only {@link io.parley.persistence.redis.RedisAdapters}
 * is public.
 */
@NullMarked
package io.parley.persistence.redis;

import org.jspecify.annotations.NullMarked;
