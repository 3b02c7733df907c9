package io.parley.core.testing;

import io.parley.core.engine.AgentPorts;
import io.parley.core.model.Conversation;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.OperatorId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Assignments;
import io.parley.core.port.Inbox;
import io.parley.core.port.InboxBus;
import io.parley.core.port.MessageLog;
import io.parley.core.port.Presence;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** In-memory versions of the agent side's ports over an {@link InMemoryPorts}; test fixtures only. */
public final class InMemoryAgentPorts {
    private final InMemoryPorts mem;
    public final Summaries inbox = new Summaries();
    public final Holders assignments = new Holders();
    public final Bus inboxBus = new Bus();
    public final Online presence = new Online();

    public InMemoryAgentPorts(InMemoryPorts mem) {
        this.mem = mem;
    }

    public AgentPorts ports() {
        return new AgentPorts(inbox, assignments, inboxBus, presence);
    }

    public final class Summaries implements Inbox {
        public final AtomicInteger summaryQueries = new AtomicInteger();

        @Override
        public Flux<ConversationSummary> open(WorkspaceId workspace, int limit) {
            return Flux.fromIterable(mem.conversations.all())
                    .filter(c -> c.workspaceId().equals(workspace))
                    .map(this::summaryOf)
                    .sort(Comparator.comparing(ConversationSummary::updatedAt).reversed())
                    .take(limit);
        }

        @Override
        public Mono<ConversationSummary> summary(ConversationId conversation) {
            summaryQueries.incrementAndGet();
            return mem.conversations.find(conversation).map(this::summaryOf);
        }

        private ConversationSummary summaryOf(Conversation c) {
            List<StoredEvent> events = mem.log.all(c.id());
            ConversationSummary.LastMessage last = null;
            HandoffState handoff = null;
            String agent = null;
            for (StoredEvent e : events) {
                if (e instanceof StoredEvent.Message m) {
                    last = new ConversationSummary.LastMessage(m.author().role(), m.author().name(), m.text(), m.createdAt());
                } else if (e instanceof StoredEvent.Handoff h) {
                    handoff = h.state();
                    agent = h.agentName();
                }
            }
            VisitorRecord visitor = new VisitorRecord(c.visitorId(), c.workspaceId(), c.createdAt(), true, "ext-1",
                    "jane@example.com", "Jane Doe", "+15550100", "203.0.113.5");
            return new ConversationSummary(c.id(), c.workspaceId(), c.botId(), visitor, events.size(), last,
                    c.humanHandling(), handoff, agent,
                    events.isEmpty() ? c.createdAt() : events.get(events.size() - 1).createdAt());
        }
    }

    public final class Holders implements Assignments {
        private final Map<ConversationId, OperatorId> holders = new HashMap<>();

        @Override
        public synchronized Mono<Outcome> assign(ConversationId conversation, OperatorId agent) {
            if (mem.conversations.find(conversation).blockOptional().isEmpty()) {
                return Mono.error(new MessageLog.UnknownConversationException(conversation));
            }
            OperatorId holder = holders.get(conversation);
            if (holder != null) {
                return Mono.just(holder.equals(agent) ? Outcome.ALREADY_YOURS : Outcome.HELD_BY_ANOTHER);
            }
            holders.put(conversation, agent);
            mem.conversations.humanHandling(conversation, true);
            return Mono.just(Outcome.ASSIGNED);
        }

        @Override
        public synchronized Mono<Boolean> release(ConversationId conversation, OperatorId agent) {
            if (!agent.equals(holders.get(conversation))) {
                return Mono.just(false);
            }
            holders.remove(conversation);
            mem.conversations.humanHandling(conversation, false);
            return Mono.just(true);
        }

        @Override
        public synchronized Mono<OperatorId> holder(ConversationId conversation) {
            return Mono.justOrEmpty(holders.get(conversation));
        }
    }

    /** Delivers synchronously to every subscriber of the workspace. */
    public static final class Bus implements InboxBus {
        public final AtomicInteger watchedQuestions = new AtomicInteger();
        private final Sinks.Many<Map.Entry<WorkspaceId, Signal>> sink = Sinks.many().multicast().directBestEffort();
        private final Map<WorkspaceId, Integer> subscribers = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> publish(WorkspaceId workspace, Signal signal) {
            return Mono.fromRunnable(() -> {
                synchronized (this) {
                    sink.tryEmitNext(Map.entry(workspace, signal));
                }
            });
        }

        @Override
        public Flux<Signal> subscribe(WorkspaceId workspace) {
            return Flux.<Signal>just(new Signal.Subscribed())
                    .concatWith(sink.asFlux().filter(e -> e.getKey().equals(workspace)).map(Map.Entry::getValue))
                    .onBackpressureBuffer()
                    .doOnSubscribe(s -> subscribers.merge(workspace, 1, Integer::sum))
                    .doFinally(signal -> subscribers.merge(workspace, -1, Integer::sum));
        }

        @Override
        public Mono<Boolean> watched(WorkspaceId workspace) {
            return Mono.fromCallable(() -> {
                watchedQuestions.incrementAndGet();
                return subscribers.getOrDefault(workspace, 0) > 0;
            });
        }
    }

    /** Entries never expire here; tests check that leaving removes them. */
    public static final class Online implements Presence {
        private final Map<String, Map.Entry<WorkspaceId, OnlineAgent>> sockets = new ConcurrentHashMap<>();

        @Override
        public Mono<Boolean> heartbeat(WorkspaceId workspace, String socketId, OnlineAgent agent, Duration ttl) {
            return Mono.fromCallable(() -> sockets.put(socketId, Map.entry(workspace, agent)) == null);
        }

        @Override
        public Mono<Void> leave(WorkspaceId workspace, String socketId) {
            return Mono.fromRunnable(() -> sockets.remove(socketId));
        }

        @Override
        public Mono<List<OnlineAgent>> online(WorkspaceId workspace, int limit) {
            return Mono.fromCallable(() -> sockets.values().stream()
                    .filter(e -> e.getKey().equals(workspace))
                    .map(Map.Entry::getValue)
                    .distinct()
                    .sorted(Comparator.comparing(OnlineAgent::name))
                    .limit(limit)
                    .toList());
        }
    }
}
