package io.parley.core.port;

import io.parley.core.model.OnlineAgent;
import io.parley.core.model.WorkspaceId;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Which agents are online in a workspace, across nodes. Each open agent socket is an entry that lives
 * {@code ttl} after its last heartbeat, so the sockets of a node that died drop out by themselves.
 */
public interface Presence {

    /** Records (or refreshes) a socket's entry; true when the entry is new. */
    Mono<Boolean> heartbeat(WorkspaceId workspace, String socketId, OnlineAgent agent, Duration ttl);

    Mono<Void> leave(WorkspaceId workspace, String socketId);

    /** The operators with a live entry, each once, ordered by name, at most {@code limit}. */
    Mono<List<OnlineAgent>> online(WorkspaceId workspace, int limit);
}
