package io.parley.gateway.replies;

import io.parley.core.engine.EngineSettings;
import jakarta.validation.constraints.AssertTrue;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How nodes hold the leases of the replies they stream and take over those of dead nodes. The defaults
 * keep docs/protocol.md's promise: a dead node's reply is ended within 10 s (lease 3 s + sweep 1 s +
 * storing it).
 *
 * @param leaseTtl how long a lease lasts without renewal
 * @param renewEvery how often a streaming node renews its leases
 * @param sweepEvery how often every node looks for replies whose lease ran out
 * @param claimTtl how long the node storing or taking over a reply holds its lease (covers storing retries)
 */
@Validated
@ConfigurationProperties("parley.replies")
public record ReplyLeaseProperties(
        @DefaultValue("5s") Duration leaseTtl,
        @DefaultValue("1s") Duration renewEvery,
        @DefaultValue("1s") Duration sweepEvery,
        @DefaultValue("30s") Duration claimTtl) {

    /** The longest a dead node's reply may wait for its sweep, leaving 2 s of the 10 s promise to store it. */
    static final Duration PROMISE_LESS_STORING = Duration.ofSeconds(8);

    @AssertTrue(message = "renew-every must be positive and shorter than lease-ttl")
    public boolean isRenewedInTime() {
        return renewEvery.compareTo(Duration.ofMillis(10)) >= 0 && renewEvery.compareTo(leaseTtl) < 0;
    }

    @AssertTrue(message = "lease-ttl + sweep-every must stay within 8 s (a dead node's reply is ended within 10 s)")
    public boolean isWithinTheTenSecondPromise() {
        return sweepEvery.compareTo(Duration.ofMillis(10)) >= 0
                && leaseTtl.plus(sweepEvery).compareTo(PROMISE_LESS_STORING) <= 0;
    }

    @AssertTrue(message = "claim-ttl must be at least lease-ttl")
    public boolean isClaimLongEnough() {
        return claimTtl.compareTo(leaseTtl) >= 0;
    }

    /** The leases of this node, under a new node id. */
    public EngineSettings.ReplyLeases forNode(String node) {
        return new EngineSettings.ReplyLeases(node, leaseTtl, renewEvery, claimTtl);
    }
}
