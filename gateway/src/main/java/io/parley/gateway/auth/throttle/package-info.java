/**
 * The auth-attempt throttle in the gateway: its limits as properties, the client address behind trusted
 * proxies, the 429 answer, and its metrics. The decisions themselves are made by the
 * {@link io.parley.core.port.AuthThrottle} port (Redis, failing closed onto a per-node limit).
 */
@NullMarked
package io.parley.gateway.auth.throttle;

import org.jspecify.annotations.NullMarked;
