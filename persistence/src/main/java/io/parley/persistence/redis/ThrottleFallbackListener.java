package io.parley.persistence.redis;

import io.parley.core.model.AttemptKind;

/**
 * Hears when the auth throttle decides on this node alone because Redis failed, for metrics. Called on
 * Lettuce or Reactor threads: implementations must be quick and must not block.
 */
public interface ThrottleFallbackListener {
    ThrottleFallbackListener NONE = new ThrottleFallbackListener() {
    };

    /** Redis failed, was too slow or the circuit breaker is open: decisions are local from now on. */
    default void fallbackStarted(Throwable cause) {
    }

    /** Redis answered again: decisions are shared by all nodes again. */
    default void fallbackEnded() {
    }

    /** One decision was made locally. */
    default void decidedLocally(AttemptKind kind) {
    }
}
