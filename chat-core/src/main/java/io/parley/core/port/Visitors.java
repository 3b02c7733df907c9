package io.parley.core.port;

import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import reactor.core.publisher.Mono;

public interface Visitors {

    Mono<Visitor> create(WorkspaceId workspaceId);

    Mono<Visitor> find(VisitorId id);
}
