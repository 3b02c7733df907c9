package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.Identity;
import io.parley.core.model.MessageId;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Assignments;
import io.parley.core.port.MessageLog;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The agent side's adapters on a real PostgreSQL: assignments decided atomically across nodes, inbox summaries. */
class PostgresAgentSideTest {

    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final RandomIds ids = new RandomIds();

    private OperatorId newOperator(String name) {
        String email = name + "-" + UUID.randomUUID() + "@parley.test";
        return Objects.requireNonNull(adapters.operators()
                .findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, name).block(TIMEOUT)).id();
    }

    @Test
    void twoAgentsTakingOverAtOnceOnTwoNodesLeaveOneHolderAndOnlyTheHolderReleases() {
        OperatorId ada = newOperator("ada");
        OperatorId bob = newOperator("bob");
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            Assignments onA = Fixtures.adapters(nodeA).assignments();
            Assignments onB = Fixtures.adapters(nodeB).assignments();
            for (int i = 0; i < 10; i++) {
                ConversationId id = Fixtures.newConversation(adapters);
                List<Assignments.Outcome> outcomes = Flux.merge(onA.assign(id, ada), onB.assign(id, bob))
                        .collectList().block(TIMEOUT);
                assertThat(outcomes).containsExactlyInAnyOrder(Assignments.Outcome.ASSIGNED,
                        Assignments.Outcome.HELD_BY_ANOTHER);
                OperatorId holder = onA.holder(id).block(TIMEOUT);
                assertThat(holder).isIn(ada, bob);
                assertThat(adapters.conversations().find(id).block(TIMEOUT).humanHandling()).isTrue();
                assertThat(onA.assign(id, holder).block(TIMEOUT)).isEqualTo(Assignments.Outcome.ALREADY_YOURS);

                OperatorId other = holder.equals(ada) ? bob : ada;
                assertThat(onB.release(id, other).block(TIMEOUT)).isFalse();
                assertThat(onB.release(id, holder).block(TIMEOUT)).isTrue();
                assertThat(adapters.conversations().find(id).block(TIMEOUT).humanHandling()).isFalse();
                StepVerifier.create(onA.holder(id)).expectComplete().verify(TIMEOUT);
                assertThat(onA.assign(id, other).block(TIMEOUT)).isEqualTo(Assignments.Outcome.ASSIGNED);
            }
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
        StepVerifier.create(adapters.assignments().assign(new ConversationId("c_nothing" + UUID.randomUUID().toString()
                        .replace("-", "")), ada))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
    }

    @Test
    void aSummaryHasTheNewestMessageTheNewestHandoffAndTheTimeOfTheNewestEvent() {
        ConversationId id = Fixtures.newConversation(adapters);
        ConversationSummary fresh = adapters.inbox().summary(id).block(TIMEOUT);
        assertThat(fresh.lastSeq()).isZero();
        assertThat(fresh.lastMessage()).isNull();
        assertThat(fresh.handoff()).isNull();
        assertThat(fresh.visitor().id()).isNotNull();

        MessageLog log = adapters.messageLog();
        Author visitor = new Author(AuthorRole.VISITOR, fresh.visitor().id().value(), "Visitor");
        log.appendClientMessage(id, ids.messageId(), visitor, "v1", "Where is my parcel?").block(TIMEOUT);
        log.appendHandoff(id, HandoffState.REQUESTED, null).block(TIMEOUT);
        log.appendHandoff(id, HandoffState.ASSIGNED, "Ada").block(TIMEOUT);
        var last = log.appendClientMessage(id, ids.messageId(), new Author(AuthorRole.AGENT, "o_ada", "Ada"), "a1",
                "On it.").block(TIMEOUT).message();

        ConversationSummary summary = adapters.inbox().summary(id).block(TIMEOUT);
        assertThat(summary.lastSeq()).isEqualTo(4);
        assertThat(summary.lastMessage()).isEqualTo(new ConversationSummary.LastMessage(AuthorRole.AGENT, "Ada",
                "On it.", last.createdAt()));
        assertThat(summary.handoff()).isEqualTo(HandoffState.ASSIGNED);
        assertThat(summary.agentName()).isEqualTo("Ada");
        assertThat(summary.updatedAt()).isEqualTo(last.createdAt());
        assertThat(summary.workspaceId()).isEqualTo(WORKSPACE);

        List<ConversationSummary> open = adapters.inbox().open(WORKSPACE, 5).collectList().block(TIMEOUT);
        assertThat(open).hasSizeLessThanOrEqualTo(5);
        assertThat(open.get(0).id()).as("the most recently active first").isEqualTo(id);
        assertThat(open).isSortedAccordingTo((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
        StepVerifier.create(adapters.inbox().summary(new ConversationId("c_none"))).expectComplete().verify(TIMEOUT);
    }
}
