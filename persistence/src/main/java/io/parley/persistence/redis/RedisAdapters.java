package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.BotChanges;
import io.parley.core.port.Clock;
import io.parley.core.port.EventBus;
import io.parley.core.port.InboxBus;
import io.parley.core.port.JobClaims;
import io.parley.core.port.Presence;
import io.parley.core.port.PendingLogins;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.ReplyStreams;
import reactor.core.publisher.Mono;

/**
 * The Redis adapters of one environment, on connections of {@code client} opened on first use: a pub/sub
 * connection for each kind of subscription (conversation events, inboxes, bot changes), and one for every
 * other command. Key layout, where
 * {@code <p>} is {@code keyPrefix} (e.g. {@code parley:dev:}) and braces are Redis Cluster hash tags:
 * <ul>
 * <li>{@code <p>{c_…}:events} — pub/sub channel of a conversation's live signals</li>
 * <li>{@code <p>{c_…}:reply:m_…} — text so far of a reply being streamed (string)</li>
 * <li>{@code <p>{c_…}:reply:m_…:meta} — its author and length in chars (hash)</li>
 * <li>{@code <p>{c_…}:reply:m_…:lease} — the id of the node holding the reply's lease (string, short TTL)</li>
 * <li>{@code <p>{c_…}:replies} — ids of the conversation's replies being streamed (set)</li>
 * <li>{@code <p>{w_…}:inbox} — pub/sub channel of a workspace's inbox updates and presence changes</li>
 * <li>{@code <p>{bots}:changes} — pub/sub channel of bots' settings changes ({@code {"bot":"<id>"}})</li>
 * <li>{@code <p>{w_…}:agents} — the workspace's open agent sockets, scored with their expiry (sorted set)</li>
 * <li>{@code <p>{c_…}:retried:m_…} — set once a question whose reply was taken over is answered again</li>
 * <li>{@code <p>{replies}:leases} — every live reply ({@code "c_… m_…"}) by lease expiry in ms (sorted set)</li>
 * <li>{@code <p>{key}:rl} — events admitted under a rate-limit key decided alone (sorted set)</li>
 * <li>{@code <p>{group}:rl:key} — the same for a key decided together with others of its group, e.g. a
 * workspace's {@code msg:v:<visitor>} and {@code msg:k:<widget key>:<address>}</li>
 * <li>{@code <p>{auth:<kind>:<subject hash>}:w}, {@code :lock}, {@code :n} — an auth-throttle subject's
 * counted events (sorted set), its lockout in force (string with a TTL), its lockouts so far (counter)</li>
 * <li>{@code <p>{job:<run>}:claim} — the node that claimed one run of a job, e.g. a scheduled backup
 * (string with a TTL)</li>
 * </ul>
 * Closing closes the connections opened here, not the client.
 */
public final class RedisAdapters implements AutoCloseable {
    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final RedisEventBus eventBus;
    private final RedisReplyStreams replyStreams;
    private final RedisRateLimiter rateLimiter;
    private final RedisKeys keys;
    private final RedisInboxBus inboxBus;
    private final RedisBotChanges botChanges;

    public RedisAdapters(RedisClient client, String keyPrefix) {
        RedisKeys keys = new RedisKeys(keyPrefix);
        this.keys = keys;
        this.commands = new LazyConnection<>(client, RedisClient::connect, keys.clientName("commands"));
        // One connection for both on purpose: a reply's start (published by the bus) and its deltas (published
        // by the reply streams' append script) reach Redis in the order they were written, so the start cannot
        // be overtaken even when its caller stopped waiting for it (a timed-out command still queued is either
        // written ahead of the next one or, cancelled, never written); two connections would not keep that order.
        // Their completions keep it too, and deliver both to this node's own followers (PubSubChannels).
        this.eventBus = new RedisEventBus(client, commands, keys);
        this.replyStreams = new RedisReplyStreams(commands, eventBus.channels(), keys, RedisReplyStreams.DEFAULT_TTL);
        this.rateLimiter = new RedisRateLimiter(commands, keys);
        this.inboxBus = new RedisInboxBus(client, commands, keys);
        this.botChanges = new RedisBotChanges(client, commands, keys);
    }

    public InboxBus inboxBus() {
        return inboxBus;
    }

    public BotChanges botChanges() {
        return botChanges;
    }

    /** Agents' presence; {@code clock} scores the entries, so every node's clock should be roughly right. */
    public Presence presence(Clock clock) {
        return new RedisPresence(commands, keys, clock);
    }

    public EventBus eventBus() {
        return eventBus;
    }

    public ReplyStreams replyStreams() {
        return replyStreams;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public JobClaims jobClaims() {
        return new RedisJobClaims(commands, keys);
    }

    public PendingLogins pendingLogins() {
        return new RedisPendingLogins(commands, keys);
    }

    /**
     * A new auth throttle under {@code limits}, on the command connection. It fails closed: while Redis
     * fails, it decides on this node alone under the same limits and tells {@code fallback}. Create one per
     * node: each has its own circuit breaker and local counts.
     */
    public AuthThrottle authThrottle(AuthThrottle.Limits limits, ThrottleFallbackListener fallback) {
        return authThrottle(limits, fallback, RedisAuthThrottle.BREAKER);
    }

    RedisAuthThrottle authThrottle(AuthThrottle.Limits limits, ThrottleFallbackListener fallback,
                                   CircuitBreakerConfig breaker) {
        return new RedisAuthThrottle(commands, keys, limits, fallback, breaker);
    }

    /** Completes when Redis answers PING on the command connection; for health checks. */
    public Mono<Void> ping() {
        return commands.get().flatMap(connection -> connection.reactive().ping()).then();
    }

    @Override
    public void close() {
        try {
            eventBus.close();
            inboxBus.close();
            botChanges.close();
        } finally {
            commands.close();
        }
    }
}
