package io.parley.persistence.postgres;

import io.parley.core.model.Conversation;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.port.Conversations;
import io.parley.core.port.MessageLog;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.DEMO_BOT;
import static io.parley.persistence.postgres.Fixtures.LOADTEST_BOT;
import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresConversationsTest {

    private final RandomIds ids = new RandomIds();
    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final Conversations conversations = adapters.conversations();

    @Test
    void openForRacingOnTwoNodesGivesOneConversation() {
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            Conversations onA = Fixtures.adapters(nodeA).conversations();
            Conversations onB = Fixtures.adapters(nodeB).conversations();
            Flux<List<Conversation>> races = Flux.range(0, 10)
                    .concatMap(i -> newVisitor().flatMap(visitor -> Flux.merge(
                                    onA.openFor(WORKSPACE, DEMO_BOT, visitor.id()),
                                    onB.openFor(WORKSPACE, DEMO_BOT, visitor.id()))
                            .collectList()));

            StepVerifier.create(races.collectList())
                    .assertNext(results -> {
                        assertThat(results).hasSize(10);
                        assertThat(results).allSatisfy(pair -> {
                            assertThat(pair).hasSize(2);
                            assertThat(pair.get(1)).isEqualTo(pair.get(0));
                        });
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    @Test
    void openForReturnsTheOpenConversationUntilItIsClosed() {
        Visitor visitor = Objects.requireNonNull(newVisitor().block(TIMEOUT));

        StepVerifier.create(conversations.findOpen(visitor.id(), DEMO_BOT)).expectComplete().verify(TIMEOUT);
        Conversation first = Objects.requireNonNull(
                conversations.openFor(WORKSPACE, DEMO_BOT, visitor.id()).block(TIMEOUT));
        assertThat(first.visitorId()).isEqualTo(visitor.id());
        assertThat(first.botId()).isEqualTo(DEMO_BOT);
        assertThat(first.workspaceId()).isEqualTo(WORKSPACE);
        assertThat(first.humanHandling()).isFalse();
        StepVerifier.create(conversations.openFor(WORKSPACE, DEMO_BOT, visitor.id()))
                .expectNext(first)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(conversations.findOpen(visitor.id(), DEMO_BOT))
                .expectNext(first)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(conversations.find(first.id())).expectNext(first).expectComplete().verify(TIMEOUT);

        StepVerifier.create(DatabaseClient.create(TestDatabase.connectionFactory())
                        .sql("UPDATE conversations SET state = 'closed', closed_at = now() WHERE id = :id")
                        .bind("id", first.id().value())
                        .fetch().rowsUpdated())
                .expectNext(1L)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(conversations.findOpen(visitor.id(), DEMO_BOT)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversations.openFor(WORKSPACE, DEMO_BOT, visitor.id()))
                .assertNext(second -> {
                    assertThat(second.id()).isNotEqualTo(first.id());
                    assertThat(second.visitorId()).isEqualTo(visitor.id());
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aVisitorHasOneOpenConversationPerBot() {
        Visitor visitor = Objects.requireNonNull(newVisitor().block(TIMEOUT));

        StepVerifier.create(Mono.zip(conversations.openFor(WORKSPACE, DEMO_BOT, visitor.id()),
                        conversations.openFor(WORKSPACE, LOADTEST_BOT, visitor.id())))
                .assertNext(both -> {
                    assertThat(both.getT1().id()).isNotEqualTo(both.getT2().id());
                    assertThat(both.getT1().botId()).isEqualTo(DEMO_BOT);
                    assertThat(both.getT2().botId()).isEqualTo(LOADTEST_BOT);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void markHumanHandlingIsKeptAndFailsForAnUnknownConversation() {
        Conversation conversation = Objects.requireNonNull(newVisitor()
                .flatMap(visitor -> conversations.openFor(WORKSPACE, DEMO_BOT, visitor.id()))
                .block(TIMEOUT));

        StepVerifier.create(conversations.markHumanHandling(conversation.id())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversations.find(conversation.id()).map(Conversation::humanHandling))
                .expectNext(true)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(conversations.markHumanHandling(ids.conversationId()))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
    }

    @Test
    void unknownConversationIsNotFound() {
        StepVerifier.create(conversations.find(ids.conversationId())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(conversations.findOpen(new VisitorId("v_" + RandomIds.suffix()), DEMO_BOT))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private Mono<Visitor> newVisitor() {
        return adapters.visitors().create(WORKSPACE);
    }
}
