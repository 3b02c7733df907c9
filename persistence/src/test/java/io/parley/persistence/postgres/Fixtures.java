package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.spi.ConnectionFactory;

import java.time.Duration;
import java.util.Objects;

/** Shared set-up of the adapter tests: the seeded demo workspace and fresh conversations in it. */
final class Fixtures {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final WorkspaceId WORKSPACE = new WorkspaceId(DemoWorkspace.WORKSPACE_ID);
    static final BotId DEMO_BOT = new BotId(DemoWorkspace.DEMO_BOT_ID);
    static final BotId LOADTEST_BOT = new BotId(DemoWorkspace.LOADTEST_BOT_ID);

    private Fixtures() {
    }

    static PostgresAdapters adapters(ConnectionFactory connectionFactory) {
        return new PostgresAdapters(connectionFactory, Clock.system(), new RandomIds(), TestKeys.encryption());
    }

    static PostgresAdapters seededAdapters() {
        DemoWorkspace.seed(TestDatabase.connectionFactory()).block(TIMEOUT);
        return adapters(TestDatabase.connectionFactory());
    }

    /** A new visitor's new conversation with the demo bot. */
    static ConversationId newConversation(PostgresAdapters adapters) {
        return Objects.requireNonNull(adapters.visitors().create(WORKSPACE)
                .flatMap(visitor -> adapters.conversations().openFor(WORKSPACE, DEMO_BOT, visitor.id()))
                .block(TIMEOUT)).id();
    }
}
