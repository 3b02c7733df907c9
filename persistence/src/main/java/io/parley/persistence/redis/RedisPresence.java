package io.parley.persistence.redis;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.OperatorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.Presence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sorted set per workspace ({@code <p>{w_…}:agents}): one member per open agent socket (JSON of the socket
 * id, operator id and name), scored with the instant its entry expires. Entries past their score are
 * removed whenever the set is read, so a dead node's sockets vanish within one TTL; the key itself expires
 * a TTL after the last heartbeat, so an idle workspace leaves nothing behind.
 */
final class RedisPresence implements Presence {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Sockets read at most per look-up; with one socket per agent and tab, bounded well above {@code limit}. */
    private static final int MAX_SOCKETS = 2000;

    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final RedisKeys keys;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    /** The member of each socket as written, so leave() removes exactly it. */
    private final Map<String, String> members = new java.util.concurrent.ConcurrentHashMap<>();

    RedisPresence(LazyConnection<StatefulRedisConnection<String, String>> commands, RedisKeys keys, Clock clock) {
        this.commands = commands;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public Mono<Boolean> heartbeat(WorkspaceId workspace, String socketId, OnlineAgent agent, Duration ttl) {
        String member = members.computeIfAbsent(socketId, id -> json.createObjectNode()
                .put("s", id).put("o", agent.operatorId().value()).put("n", agent.name()).toString());
        String key = keys.presence(workspace);
        double expiresAt = clock.now().plus(ttl).toEpochMilli();
        return commands.get().flatMap(connection -> connection.reactive().zadd(key, expiresAt, member)
                        .flatMap(added -> connection.reactive().pexpire(key, ttl.toMillis()).thenReturn(added > 0)))
                .timeout(TIMEOUT);
    }

    @Override
    public Mono<Void> leave(WorkspaceId workspace, String socketId) {
        String member = members.remove(socketId);
        if (member == null) {
            return Mono.empty();
        }
        return commands.get().flatMap(connection -> connection.reactive().zrem(keys.presence(workspace), member))
                .timeout(TIMEOUT)
                .then();
    }

    @Override
    public Mono<List<OnlineAgent>> online(WorkspaceId workspace, int limit) {
        String key = keys.presence(workspace);
        double now = clock.now().toEpochMilli();
        return commands.get().flatMap(connection -> connection.reactive()
                        .zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, now))
                        .then(connection.reactive()
                                .zrangebyscoreWithScores(key, Range.create(now, Double.POSITIVE_INFINITY),
                                        io.lettuce.core.Limit.create(0, MAX_SOCKETS))
                                .map(ScoredValue::getValue)
                                .collectList()))
                .timeout(TIMEOUT)
                .map(all -> distinctAgents(all, limit));
    }

    private List<OnlineAgent> distinctAgents(List<String> members, int limit) {
        Map<String, OnlineAgent> byOperator = new LinkedHashMap<>();
        for (String member : members) {
            try {
                JsonNode node = json.readTree(member);
                String operator = node.required("o").asString();
                byOperator.putIfAbsent(operator, new OnlineAgent(new OperatorId(operator), node.required("n").asString()));
            } catch (RuntimeException e) {
                // not one of ours (or garbled): not an agent to show
            }
        }
        List<OnlineAgent> agents = new ArrayList<>(byOperator.values());
        agents.sort(Comparator.comparing(OnlineAgent::name).thenComparing(a -> a.operatorId().value()));
        return agents.size() <= limit ? agents : agents.subList(0, limit);
    }
}
