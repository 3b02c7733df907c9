package io.parley.core.engine;

import java.time.Duration;

/**
 * @param maxReplyChars a bot reply longer than this is cut and ends with {@code finish: length}
 * @param shutdownGrace how long a stopping node waits for its replies to be stored or handed over
 * @param leases how this node holds the leases of the replies it streams
 */
public record EngineSettings(int maxReplyChars, Duration shutdownGrace, ReplyLeases leases) {
    public static final EngineSettings DEFAULTS = new EngineSettings(16_000, Duration.ofSeconds(5));

    public EngineSettings {
        if (maxReplyChars < 1) {
            throw new IllegalArgumentException("maxReplyChars must be positive");
        }
    }

    public EngineSettings(int maxReplyChars, Duration shutdownGrace) {
        this(maxReplyChars, shutdownGrace, ReplyLeases.forNode(RandomIds.nodeId()));
    }

    /**
     * @param node this node's id, held in the leases of its replies
     * @param ttl how long a lease lasts without renewal: a dead node's replies are taken over after it
     * @param renewEvery how often a streaming node renews its leases (well under {@code ttl})
     * @param claimTtl how long the node ending a reply (storing it, or taking it over) holds the lease
     */
    public record ReplyLeases(String node, Duration ttl, Duration renewEvery, Duration claimTtl) {
        public ReplyLeases {
            if (renewEvery.isNegative() || renewEvery.isZero() || renewEvery.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("leases must be renewed more often than they last");
            }
            if (claimTtl.compareTo(ttl) < 0) {
                throw new IllegalArgumentException("claimTtl must be at least the lease ttl");
            }
        }

        /** A 3 s lease renewed every second: a dead node's replies are found within 3 s plus a sweep. */
        public static ReplyLeases forNode(String node) {
            return new ReplyLeases(node, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }
}
