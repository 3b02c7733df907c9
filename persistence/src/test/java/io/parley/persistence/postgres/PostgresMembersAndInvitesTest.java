package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.PostgresMagicLinksTest.newHash;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Members;
import io.parley.persistence.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class PostgresMembersAndInvitesTest {
    private final PostgresAdapters adapters = Fixtures.adapters(TestDatabase.connectionFactory());

    private Operator operator() {
        return Objects.requireNonNull(PostgresOperatorsTest.newOperator(adapters.operators()).block(TIMEOUT));
    }

    @Test
    void twoOwnersDemotingEachOtherAtOnceLeaveOneOwner() {
        for (int round = 0; round < 5; round++) {
            Operator ann = operator();
            Operator bob = operator();
            WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("race", ann.id())
                    .block(TIMEOUT)).id();
            adapters.workspaces().grant(bob.id(), workspace, Role.OWNER).block(TIMEOUT);

            List<Members.Outcome> outcomes = Flux.just(ann, bob)
                    .flatMap(who -> Mono.defer(() -> adapters.members()
                            .changeRole(workspace, who.id(), Role.VIEWER, EnumSet.allOf(Role.class)))
                            .subscribeOn(Schedulers.parallel()))
                    .map(Members.Change::outcome)
                    .collectList().block(TIMEOUT);

            assertThat(outcomes).containsExactlyInAnyOrder(Members.Outcome.DONE, Members.Outcome.LAST_OWNER);
            assertThat(adapters.members().page(workspace, 10, null).block(TIMEOUT).items())
                    .filteredOn(member -> member.role() == Role.OWNER).hasSize(1);
        }
    }

    @Test
    void aChangeOutsideTheAllowedRolesOrOfAStrangerChangesNothing() {
        Operator owner = operator();
        Operator stranger = operator();
        WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("w", owner.id())
                .block(TIMEOUT)).id();

        StepVerifier.create(adapters.members().remove(workspace, owner.id(), EnumSet.of(Role.AGENT, Role.VIEWER)))
                .expectNext(new Members.Change(Members.Outcome.ROLE_NOT_ALLOWED, Role.OWNER)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.members().remove(workspace, stranger.id(), EnumSet.allOf(Role.class)))
                .expectNext(new Members.Change(Members.Outcome.NOT_A_MEMBER, null)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.members().find(workspace, owner.id()).map(member -> member.role()))
                .expectNext(Role.OWNER).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aRoleChangeEndsTheMembersSessions() {
        Operator owner = operator();
        Operator agent = operator();
        WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("w", owner.id())
                .block(TIMEOUT)).id();
        adapters.workspaces().grant(agent.id(), workspace, Role.AGENT).block(TIMEOUT);
        long before = Objects.requireNonNull(adapters.operators().find(agent.id()).block(TIMEOUT)).sessionVersion();

        adapters.members().changeRole(workspace, agent.id(), Role.VIEWER, EnumSet.allOf(Role.class)).block(TIMEOUT);

        assertThat(Objects.requireNonNull(adapters.operators().find(agent.id()).block(TIMEOUT)).sessionVersion())
                .isGreaterThan(before);
    }

    @Test
    void ofRacingAcceptsOfOneInviteExactlyOneJoins() {
        Operator owner = operator();
        WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("w", owner.id())
                .block(TIMEOUT)).id();
        byte[] hash = newHash();
        var invite = Objects.requireNonNull(adapters.invites().create(workspace, "x@parley.test", Role.AGENT, owner.id(),
                hash, Instant.now().plus(Duration.ofDays(1))).block(TIMEOUT));
        Operator first = operator();
        Operator second = operator();

        List<Membership> joined = Flux.just(first, second)
                .flatMap(who -> Mono.defer(() -> adapters.invites().accept(invite.id(), who.id(), Instant.now()))
                        .subscribeOn(Schedulers.parallel()))
                .collectList().block(TIMEOUT);

        assertThat(joined).hasSize(1);
        assertThat(joined.get(0).role()).isEqualTo(Role.AGENT);
        assertThat(adapters.invites().findByTokenHash(hash).block(TIMEOUT).acceptedAt()).isNotNull();
        StepVerifier.create(adapters.invites().pending(workspace, Instant.now())).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aMemberAcceptingAnInviteKeepsItsRoleAndTheInviteStaysPending() {
        Operator owner = operator();
        WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("w", owner.id())
                .block(TIMEOUT)).id();
        var invite = Objects.requireNonNull(adapters.invites().create(workspace, "x@parley.test", Role.VIEWER, owner.id(),
                newHash(), Instant.now().plus(Duration.ofDays(1))).block(TIMEOUT));

        StepVerifier.create(adapters.invites().accept(invite.id(), owner.id(), Instant.now())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.invites().pending(workspace, Instant.now()).map(found -> found.id()))
                .expectNext(invite.id()).expectComplete().verify(TIMEOUT);
    }
}
