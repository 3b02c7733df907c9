package io.parley.persistence.postgres;

import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresWorkspacesTest {

    private final PostgresAdapters adapters = Fixtures.adapters(TestDatabase.connectionFactory());
    private final Operators operators = adapters.operators();
    private final Workspaces workspaces = adapters.workspaces();

    @Test
    void createOwnedByGivesTheOwnerMembership() {
        Operator owner = newOperator();
        String name = "Acme " + RandomIds.suffix();

        Workspace workspace = Objects.requireNonNull(workspaces.createOwnedBy(name, owner.id()).block(TIMEOUT));

        assertThat(workspace.id().value()).startsWith(WorkspaceId.PREFIX).hasSize(2 + 22);
        assertThat(workspace.name()).isEqualTo(name);
        StepVerifier.create(workspaces.find(workspace.id())).expectNext(workspace).expectComplete().verify(TIMEOUT);
        StepVerifier.create(workspaces.membershipsOf(owner.id()))
                .expectNext(new Membership(owner.id(), workspace.id(), Role.OWNER))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void createOwnedByAnUnknownOwnerCreatesNoWorkspace() {
        String name = "Orphan " + RandomIds.suffix();

        StepVerifier.create(workspaces.createOwnedBy(name, new OperatorId("o_" + RandomIds.suffix())))
                .expectError()
                .verify(TIMEOUT);
        StepVerifier.create(DatabaseClient.create(TestDatabase.connectionFactory())
                        .sql("SELECT count(*) AS n FROM workspaces WHERE name = :name")
                        .bind("name", name)
                        .map(row -> Sql.longValue(row, "n"))
                        .one())
                .expectNext(0L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void grantChangesTheRoleAndEndsSessionsOnlyWhenTheRoleChanged() {
        Operator owner = newOperator();
        Operator member = newOperator();
        WorkspaceId workspace = Objects.requireNonNull(
                workspaces.createOwnedBy("Team " + RandomIds.suffix(), owner.id()).block(TIMEOUT)).id();

        StepVerifier.create(workspaces.grant(member.id(), workspace, Role.AGENT))
                .expectNext(new Membership(member.id(), workspace, Role.AGENT))
                .expectComplete()
                .verify(TIMEOUT);
        assertSessionVersion(member, 0);
        StepVerifier.create(workspaces.grant(member.id(), workspace, Role.AGENT))
                .expectNext(new Membership(member.id(), workspace, Role.AGENT))
                .expectComplete()
                .verify(TIMEOUT);
        assertSessionVersion(member, 0);

        StepVerifier.create(workspaces.grant(member.id(), workspace, Role.VIEWER))
                .expectNext(new Membership(member.id(), workspace, Role.VIEWER))
                .expectComplete()
                .verify(TIMEOUT);
        assertSessionVersion(member, 1);
        StepVerifier.create(workspaces.membershipsOf(member.id()))
                .expectNext(new Membership(member.id(), workspace, Role.VIEWER))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(workspaces.grant(member.id(), workspace, Role.VIEWER))
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
        assertSessionVersion(member, 1);
        assertSessionVersion(owner, 0);
    }

    @Test
    void grantToAnUnknownOperatorFails() {
        Operator owner = newOperator();
        WorkspaceId workspace = Objects.requireNonNull(
                workspaces.createOwnedBy("Team " + RandomIds.suffix(), owner.id()).block(TIMEOUT)).id();

        StepVerifier.create(workspaces.grant(new OperatorId("o_" + RandomIds.suffix()), workspace, Role.AGENT))
                .expectError(IllegalArgumentException.class)
                .verify(TIMEOUT);
    }

    @Test
    void unknownWorkspaceIsNotFound() {
        StepVerifier.create(workspaces.find(new WorkspaceId("w_" + RandomIds.suffix())))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private Operator newOperator() {
        return Objects.requireNonNull(PostgresOperatorsTest.newOperator(operators).block(TIMEOUT));
    }

    private void assertSessionVersion(Operator operator, long expected) {
        StepVerifier.create(operators.find(operator.id()).map(Operator::sessionVersion))
                .expectNext(expected)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
