package io.parley.core.port;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * One run of a job across all nodes: the first node to claim a run (say, the backup due at 03:00)
 * does it; every other node that asks for the same run before {@code ttl} passes is told no.
 */
public interface JobClaims {

    /** True when {@code holder} now holds {@code run} for {@code ttl}; false when another holder has it. */
    Mono<Boolean> claim(String run, String holder, Duration ttl);
}
