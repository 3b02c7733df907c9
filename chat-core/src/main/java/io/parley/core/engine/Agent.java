package io.parley.core.engine;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.OperatorId;
import io.parley.core.model.WorkspaceId;

/** The operator behind an agent socket, in the one workspace the socket serves. */
public record Agent(OperatorId id, String name, WorkspaceId workspace) {

    /** How the agent's messages and typing are signed: role agent, the operator id, the display name. */
    public Author author() {
        return new Author(AuthorRole.AGENT, id.value(), name);
    }

    OnlineAgent online() {
        return new OnlineAgent(id, name);
    }
}
