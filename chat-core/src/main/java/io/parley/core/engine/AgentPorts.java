package io.parley.core.engine;

import io.parley.core.port.Assignments;
import io.parley.core.port.Inbox;
import io.parley.core.port.InboxBus;
import io.parley.core.port.Presence;

/** The ports the agent side works through, besides the engine's. */
public record AgentPorts(Inbox inbox, Assignments assignments, InboxBus inboxBus, Presence presence) {
}
