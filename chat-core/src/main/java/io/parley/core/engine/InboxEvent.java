package io.parley.core.engine;

import io.parley.core.model.ConversationSummary;
import io.parley.core.model.OnlineAgent;
import java.util.List;

/** What an inbox subscriber receives; the transport masks the visitors' personal data per role. */
public sealed interface InboxEvent {

    /** The workspace's open conversations, most recently active first (bounded). */
    record Snapshot(List<ConversationSummary> conversations) implements InboxEvent {
    }

    /** One conversation changed: keep the summary with the highest lastSeq. */
    record Update(ConversationSummary conversation) implements InboxEvent {
    }

    /** The agents online in the workspace now (sent when the set changed). */
    record Online(List<OnlineAgent> agents) implements InboxEvent {
    }
}
