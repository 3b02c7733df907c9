package io.parley.core.testing;

import io.parley.core.engine.EnginePorts;
import io.parley.core.model.Author;
import io.parley.core.model.BotId;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.MessageId;
import io.parley.core.model.RateLimit;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.Conversations;
import io.parley.core.port.EventBus;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.IdentityVerification;
import io.parley.core.port.KnowledgeIndex;
import io.parley.core.port.MessageLog;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.Visitors;
import io.parley.core.protocol.LiveSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * In-memory versions of the engine's ports, for fast engine tests. Test fixtures only: the running
 * product always uses the PostgreSQL and Redis adapters.
 */
public final class InMemoryPorts {
    private final AtomicLong counter = new AtomicLong();
    public final Clock clock = () -> Instant.parse("2026-01-01T00:00:00Z").plusSeconds(counter.get());
    public final IdGenerator ids = new IdGenerator() {
        @Override
        public ConversationId conversationId() {
            return new ConversationId("c_" + counter.incrementAndGet());
        }

        @Override
        public MessageId messageId() {
            return new MessageId("m_" + counter.incrementAndGet());
        }

        @Override
        public VisitorId visitorId() {
            return new VisitorId("v_" + counter.incrementAndGet());
        }
    };
    public final Log log = new Log();
    public final ConversationStore conversations = new ConversationStore();
    public final VisitorStore visitors = new VisitorStore();
    public final IdentityStore identities = new IdentityStore();
    public final Bus bus = new Bus();
    public final Replies replies = new Replies(bus);
    public final Limiter rateLimiter = new Limiter();
    public final Knowledge knowledge = new Knowledge();

    public EnginePorts ports() {
        return new EnginePorts(log, conversations, visitors, identities, bus, replies, rateLimiter, ids, clock);
    }

    public final class Log implements MessageLog {
        private final Map<ConversationId, List<StoredEvent>> events = new HashMap<>();
        /** When set, appends fail as a database would. */
        public final AtomicBoolean failing = new AtomicBoolean();
        /** How long a client message's append takes, as a slow database would. */
        public final java.util.concurrent.atomic.AtomicReference<java.time.Duration> appendDelay =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Duration.ZERO);
        /** What a client message's append waits for first, as a database busy with other work would. */
        public final java.util.concurrent.atomic.AtomicReference<Mono<Void>> appendGate =
                new java.util.concurrent.atomic.AtomicReference<>(Mono.empty());

        @Override
        public Mono<Appended> appendClientMessage(ConversationId conversationId, MessageId messageId,
                                                  Author author, String clientMsgId, String text) {
            java.time.Duration delay = appendDelay.get();
            Mono<Appended> append = Mono.fromCallable(() -> appendNow(conversationId, messageId, author, clientMsgId, text))
                    .flatMap(m -> m);
            return appendGate.get().then(delay.isZero() ? append : Mono.delay(delay).then(append));
        }

        private synchronized Mono<Appended> appendNow(ConversationId conversationId, MessageId messageId,
                                                      Author author, String clientMsgId, String text) {
            if (failing.get()) {
                return Mono.error(new IllegalStateException("database down"));
            }
            List<StoredEvent> list = events.computeIfAbsent(conversationId, k -> new ArrayList<>());
            for (StoredEvent e : list) {
                if (e instanceof StoredEvent.Message m && clientMsgId.equals(m.clientMsgId())) {
                    return Mono.just(new Appended(m, false));
                }
            }
            StoredEvent.Message m = new StoredEvent.Message(conversationId, list.size() + 1, messageId, author, text,
                    clock.now(), clientMsgId, null);
            list.add(m);
            return Mono.just(new Appended(m, true));
        }

        @Override
        public synchronized Mono<Appended> appendReply(ConversationId conversationId, MessageId messageId,
                                                       Author author, String text, Finish finish) {
            if (failing.get()) {
                return Mono.error(new IllegalStateException("database down"));
            }
            List<StoredEvent> list = events.computeIfAbsent(conversationId, k -> new ArrayList<>());
            for (StoredEvent e : list) {
                if (e instanceof StoredEvent.Message m && m.messageId().equals(messageId)) {
                    return Mono.just(new Appended(m, false));
                }
            }
            StoredEvent.Message m = new StoredEvent.Message(conversationId, list.size() + 1, messageId, author, text,
                    clock.now(), null, finish);
            list.add(m);
            return Mono.just(new Appended(m, true));
        }

        @Override
        public synchronized Mono<StoredEvent.Handoff> appendHandoff(ConversationId conversationId, HandoffState state,
                                                                    @Nullable String agentName) {
            List<StoredEvent> list = events.computeIfAbsent(conversationId, k -> new ArrayList<>());
            StoredEvent.Handoff h = new StoredEvent.Handoff(conversationId, list.size() + 1, state, agentName,
                    clock.now());
            list.add(h);
            return Mono.just(h);
        }

        @Override
        public synchronized Flux<StoredEvent> read(ConversationId conversationId, long afterSeq, long upToSeq,
                                                   int max) {
            return Flux.fromIterable(List.copyOf(events.getOrDefault(conversationId, List.of())))
                    .filter(e -> e.seq() > afterSeq && e.seq() <= upToSeq)
                    .take(max);
        }

        @Override
        public synchronized Mono<Long> lastSeq(ConversationId conversationId) {
            return Mono.just((long) events.getOrDefault(conversationId, List.of()).size());
        }

        public synchronized List<StoredEvent> all(ConversationId conversationId) {
            return List.copyOf(events.getOrDefault(conversationId, List.of()));
        }
    }

    public final class ConversationStore implements Conversations {
        private final Map<ConversationId, Conversation> byId = new LinkedHashMap<>();

        @Override
        public synchronized Mono<Conversation> find(ConversationId id) {
            return Mono.justOrEmpty(byId.get(id));
        }

        @Override
        public synchronized Mono<Conversation> findOpen(VisitorId visitorId, BotId botId) {
            return Mono.justOrEmpty(open(visitorId, botId));
        }

        private Optional<Conversation> open(VisitorId visitorId, BotId botId) {
            return byId.values().stream()
                    .filter(c -> c.visitorId().equals(visitorId) && c.botId().equals(botId))
                    .findFirst();
        }

        @Override
        public synchronized Mono<Conversation> openFor(WorkspaceId workspaceId, BotId botId, VisitorId visitorId) {
            Conversation c = open(visitorId, botId).orElseGet(() -> {
                Conversation created = new Conversation(ids.conversationId(), workspaceId, botId, visitorId, false,
                        clock.now());
                byId.put(created.id(), created);
                return created;
            });
            return Mono.just(c);
        }

        @Override
        public synchronized Mono<Void> markHumanHandling(ConversationId id) {
            humanHandling(id, true);
            return Mono.empty();
        }

        public synchronized void humanHandling(ConversationId id, boolean on) {
            Conversation c = byId.get(id);
            byId.put(id, new Conversation(c.id(), c.workspaceId(), c.botId(), c.visitorId(), on, c.createdAt()));
        }

        public synchronized List<Conversation> all() {
            return List.copyOf(byId.values());
        }
    }

    public final class VisitorStore implements Visitors {
        private final Map<VisitorId, Visitor> byId = new HashMap<>();
        /** What the visitors table keeps besides the visitor itself, for assertions. */
        public final Map<VisitorId, Details> details = new java.util.concurrent.ConcurrentHashMap<>();

        public record Details(@Nullable String externalId, @Nullable String email, @Nullable String name,
                              @Nullable String phone, @Nullable String ipAddress) {
            public boolean verified() {
                return externalId != null;
            }
        }

        @Override
        public synchronized Mono<Visitor> create(WorkspaceId workspaceId) {
            Visitor v = new Visitor(ids.visitorId(), workspaceId, clock.now());
            byId.put(v.id(), v);
            details.put(v.id(), new Details(null, null, null, null, null));
            return Mono.just(v);
        }

        @Override
        public synchronized Mono<Visitor> find(VisitorId id) {
            return Mono.justOrEmpty(byId.get(id));
        }

        @Override
        public synchronized Mono<Boolean> identify(VisitorId id, WorkspaceId workspaceId, VerifiedIdentity identity) {
            Visitor visitor = byId.get(id);
            if (visitor == null || !visitor.workspaceId().equals(workspaceId)) {
                return Mono.just(false);
            }
            Details current = details.get(id);
            boolean theirs = identity.subject().equals(current.externalId())
                    || (current.externalId() == null && verifiedAs(workspaceId, identity.subject()).isEmpty());
            if (theirs) {
                details.put(id, refreshed(current, identity));
            }
            return Mono.just(theirs);
        }

        @Override
        public synchronized Mono<Visitor> findOrCreateVerified(WorkspaceId workspaceId, VerifiedIdentity identity) {
            Visitor visitor = verifiedAs(workspaceId, identity.subject())
                    .orElseGet(() -> create(workspaceId).block());
            details.put(visitor.id(), refreshed(details.get(visitor.id()), identity));
            return Mono.just(visitor);
        }

        @Override
        public synchronized Mono<String> externalIdOf(VisitorId id) {
            Details d = details.get(id);
            return Mono.justOrEmpty(d == null ? null : d.externalId());
        }

        @Override
        public synchronized Mono<Void> recordAddress(VisitorId id, String address) {
            details.computeIfPresent(id, (k, d) -> new Details(d.externalId(), d.email(), d.name(), d.phone(), address));
            return Mono.empty();
        }

        private Optional<Visitor> verifiedAs(WorkspaceId workspaceId, String subject) {
            return byId.values().stream()
                    .filter(v -> v.workspaceId().equals(workspaceId) && subject.equals(details.get(v.id()).externalId()))
                    .findFirst();
        }

        private static Details refreshed(Details d, VerifiedIdentity identity) {
            return new Details(identity.subject(), identity.email() != null ? identity.email() : d.email(),
                    identity.name() != null ? identity.name() : d.name(),
                    identity.phone() != null ? identity.phone() : d.phone(), d.ipAddress());
        }
    }

    /** A bot's identity settings; secrets are added with {@link #createSecret} or {@link #add}. */
    public final class IdentityStore implements IdentityVerification {
        private final Map<BotId, Boolean> verifiedOnly = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<BotId, List<IdentitySecret>> secrets = new java.util.concurrent.ConcurrentHashMap<>();

        public void verifiedVisitorsOnly(BotId bot, boolean on) {
            verifiedOnly.put(bot, on);
        }

        public synchronized void add(BotId bot, IdentitySecret secret) {
            secrets.computeIfAbsent(bot, k -> new ArrayList<>()).add(secret);
        }

        @Override
        public Mono<Boolean> verifiedVisitorsOnly(BotId bot) {
            return Mono.just(verifiedOnly.getOrDefault(bot, false));
        }

        @Override
        public synchronized Flux<IdentitySecret> activeSecrets(BotId bot) {
            return Flux.fromIterable(List.copyOf(secrets.getOrDefault(bot, List.of())));
        }

        @Override
        public synchronized Mono<Settings> settings(WorkspaceId workspace, BotId bot) {
            return Mono.just(new Settings(verifiedOnly.getOrDefault(bot, false), secrets.getOrDefault(bot, List.of())));
        }

        @Override
        public Mono<Boolean> setVerifiedVisitorsOnly(WorkspaceId workspace, BotId bot, boolean on) {
            verifiedOnly.put(bot, on);
            return Mono.just(true);
        }

        @Override
        public synchronized Mono<IdentitySecret> createSecret(BotId bot) {
            List<IdentitySecret> active = secrets.computeIfAbsent(bot, k -> new ArrayList<>());
            if (active.size() >= MAX_ACTIVE_SECRETS) {
                return Mono.empty();
            }
            byte[] bytes = new byte[IdentitySecret.BYTES];
            new java.security.SecureRandom().nextBytes(bytes);
            IdentitySecret secret = new IdentitySecret(new IdentitySecretId("is_" + counter.incrementAndGet()), bytes,
                    clock.now());
            active.add(secret);
            return Mono.just(secret);
        }

        @Override
        public synchronized Mono<Boolean> revokeSecret(BotId bot, IdentitySecretId id) {
            return Mono.just(secrets.getOrDefault(bot, new ArrayList<>()).removeIf(s -> s.id().equals(id)));
        }
    }

    /** A bus that delivers synchronously; {@link #published} records everything for assertions. */
    public static final class Bus implements EventBus {
        private final Sinks.Many<Map.Entry<ConversationId, LiveSignal>> sink =
                Sinks.many().multicast().directBestEffort();
        public final List<LiveSignal> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** When set, publishing fails as a bus that lost its connection would. */
        public final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public Mono<Void> publish(ConversationId conversationId, LiveSignal signal) {
            return Mono.defer(() -> {
                if (failing.get()) {
                    return Mono.error(new IllegalStateException("bus down"));
                }
                published.add(signal);
                synchronized (this) {
                    sink.tryEmitNext(Map.entry(conversationId, signal));
                }
                return Mono.empty();
            });
        }

        @Override
        public Flux<LiveSignal> subscribe(ConversationId conversationId) {
            return Flux.<LiveSignal>just(new LiveSignal.Subscribed())
                    .concatWith(sink.asFlux().filter(e -> e.getKey().equals(conversationId)).map(Map.Entry::getValue))
                    .onBackpressureBuffer();
        }
    }

    /**
     * Live replies with leases on a clock of their own that only {@link #advance} moves, so tests
     * decide when a lease runs out. Appended pieces are announced on {@code bus}; while the bus fails,
     * appending fails too, as both are one round trip to Redis.
     */
    public static final class Replies implements ReplyStreams {
        private final Bus bus;
        private final Map<MessageId, LiveReply> live = new LinkedHashMap<>();
        private final Map<MessageId, ConversationId> conversationOf = new HashMap<>();
        private final Map<MessageId, Origin> origins = new HashMap<>();
        private final Map<MessageId, Lease> leases = new HashMap<>();
        private final java.util.Set<MessageId> retried = new java.util.HashSet<>();
        private long nowMillis;

        private record Lease(String node, long expiresAt) {
        }

        public Replies(Bus bus) {
            this.bus = bus;
        }

        /** Moves the leases' clock on. */
        public synchronized void advance(java.time.Duration time) {
            nowMillis += time.toMillis();
        }

        /** The node holding the reply's lease now, null when none does. */
        public synchronized @Nullable String holder(MessageId messageId) {
            Lease lease = leases.get(messageId);
            return lease == null || lease.expiresAt() <= nowMillis ? null : lease.node();
        }

        /** Whether each piece was appended with the lease known to be held, in order. */
        public final List<Boolean> leaseHeld = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Makes {@link #begin} fail, as when Redis is out of reach. */
        public final AtomicBoolean failingBegin = new AtomicBoolean();

        @Override
        public synchronized Mono<Void> begin(ConversationId conversationId, MessageId messageId, Author author,
                                             Origin origin, java.time.Duration leaseTtl) {
            if (failingBegin.get()) {
                return Mono.error(new IllegalStateException("Redis down"));
            }
            live.put(messageId, new LiveReply(messageId, author, ""));
            conversationOf.put(messageId, conversationId);
            origins.put(messageId, origin);
            leases.put(messageId, new Lease(origin.node(), nowMillis + leaseTtl.toMillis()));
            return Mono.empty();
        }

        @Override
        public Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node, boolean held) {
            leaseHeld.add(held);
            return appendAndAnnounce(delta, node);
        }

        @Override
        public Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node) {
            // announced outside the lock, for the bus delivers to its subscribers synchronously
            return Mono.fromCallable(() -> append(delta, node))
                    .flatMap(length -> bus.publish(delta.conversationId(), delta).thenReturn(length));
        }

        private synchronized long append(LiveSignal.ReplyDelta delta, String node) {
            MessageId messageId = delta.messageId();
            String holder = holder(messageId);
            if (holder != null && !holder.equals(node)) {
                throw new LeaseLostException(messageId);
            }
            LiveReply r = live.get(messageId);
            if (r == null) {
                throw new IllegalStateException("no live reply " + messageId);
            }
            if (bus.failing.get()) {
                throw new IllegalStateException("Redis down");
            }
            LiveReply next = new LiveReply(messageId, r.author(), r.textSoFar() + delta.text());
            live.put(messageId, next);
            return next.textSoFar().length();
        }

        @Override
        public synchronized Mono<Void> end(ConversationId conversationId, MessageId messageId) {
            live.remove(messageId);
            conversationOf.remove(messageId);
            origins.remove(messageId);
            // the lease stays until it runs out, fencing a node that still streams the reply
            return Mono.empty();
        }

        @Override
        public synchronized Flux<LiveReply> live(ConversationId conversationId) {
            return Flux.fromIterable(live.values().stream()
                    .filter(r -> conversationId.equals(conversationOf.get(r.messageId()))).toList());
        }

        /** How long a renewal takes to answer, as a loaded Redis would. */
        public final java.util.concurrent.atomic.AtomicReference<java.time.Duration> renewDelay =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Duration.ZERO);

        /** Renewals asked for so far. */
        public final java.util.concurrent.atomic.AtomicInteger renewals = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Mono<Boolean> renew(ConversationId conversationId, MessageId messageId, String node,
                                   java.time.Duration ttl) {
            renewals.incrementAndGet();
            java.time.Duration delay = renewDelay.get();
            Mono<Boolean> renewal = Mono.fromCallable(() -> renewNow(conversationId, messageId, node, ttl));
            return delay.isZero() ? renewal : Mono.delay(delay).then(renewal);
        }

        private synchronized boolean renewNow(ConversationId conversationId, MessageId messageId, String node,
                                              java.time.Duration ttl) {
            String holder = holder(messageId);
            if (holder != null && !holder.equals(node)) {
                return false;
            }
            if (live.containsKey(messageId)) {
                leases.put(messageId, new Lease(node, nowMillis + ttl.toMillis()));
            }
            return true;
        }

        @Override
        public synchronized Mono<Boolean> release(ConversationId conversationId, MessageId messageId, String node) {
            String holder = holder(messageId);
            if (holder != null && !holder.equals(node)) {
                return Mono.just(false);
            }
            leases.put(messageId, new Lease(node, Long.MIN_VALUE));
            return Mono.just(true);
        }

        @Override
        public synchronized Flux<ReplyRef> expired(int max) {
            return Flux.fromIterable(leases.entrySet().stream()
                    .filter(e -> e.getValue().expiresAt() <= nowMillis && live.containsKey(e.getKey()))
                    .limit(max)
                    .map(e -> new ReplyRef(conversationOf.get(e.getKey()), e.getKey()))
                    .toList());
        }

        @Override
        public synchronized Mono<Claimed> claim(ReplyRef reply, String node, java.time.Duration ttl) {
            if (holder(reply.messageId()) != null || !live.containsKey(reply.messageId())) {
                return Mono.empty();
            }
            leases.put(reply.messageId(), new Lease(node, nowMillis + ttl.toMillis()));
            return Mono.just(new Claimed(reply, live.get(reply.messageId()), origins.get(reply.messageId())));
        }

        @Override
        public synchronized Mono<Boolean> firstRetry(ConversationId conversationId, MessageId questionId) {
            return Mono.just(retried.add(questionId));
        }
    }

    /**
     * A fixed-window limiter counting per group and key, all or nothing like the real one; windows never
     * roll over in tests. {@link #decisions} counts the calls, one per decision.
     */
    public static final class Limiter implements RateLimiter {
        private final Map<String, Integer> counts = new HashMap<>();
        public final AtomicInteger decisions = new AtomicInteger();

        @Override
        public synchronized Mono<Decision> tryAcquireAll(String group, List<KeyedLimit> limits) {
            decisions.incrementAndGet();
            long retryAfter = 0;
            for (KeyedLimit limit : limits) {
                if (!limit.limit().unlimited()
                        && counts.getOrDefault(group + " " + limit.key(), 0) >= limit.limit().permits()) {
                    retryAfter = Math.max(retryAfter, limit.limit().window().toMillis());
                }
            }
            if (retryAfter > 0) {
                return Mono.just(new Decision(false, retryAfter));
            }
            limits.stream().filter(limit -> !limit.limit().unlimited())
                    .forEach(limit -> counts.merge(group + " " + limit.key(), 1, Integer::sum));
            return Mono.just(Decision.ALLOWED);
        }
    }

    public static final class Knowledge implements KnowledgeIndex {
        public final List<KnowledgeEntry> entries = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Flux<KnowledgeEntry> search(BotId botId, String question, int max) {
            String q = question.toLowerCase(Locale.ROOT);
            return Flux.fromIterable(entries)
                    .filter(e -> e.botId().equals(botId))
                    .filter(e -> java.util.Arrays.stream(e.title().toLowerCase(Locale.ROOT).split("\\W+"))
                            .anyMatch(w -> w.length() > 3 && q.contains(w)))
                    .take(max);
        }
    }
}
