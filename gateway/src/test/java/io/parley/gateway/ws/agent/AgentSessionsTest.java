package io.parley.gateway.ws.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.parley.core.model.AttemptKind;
import io.parley.core.model.Identity;
import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.core.protocol.CloseCodes;
import io.parley.gateway.auth.session.AccessTokens;
import io.parley.gateway.auth.session.SigningKeys;
import io.parley.gateway.ws.agent.AgentSessions.AgentSession;
import io.parley.gateway.ws.agent.AgentSessions.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The session rules without a socket: what starts a session, what ends it, what counts as a failure. */
class AgentSessionsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final OperatorId ADA = new OperatorId("o_ada0000000000000000");
    private static final Workspace SHOP = new Workspace(new WorkspaceId("w_shop000000000000000"), "Shop");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final AtomicReference<@Nullable Operator> operator = new AtomicReference<>(ada(false, 3));
    private final List<Membership> memberships = new ArrayList<>(List.of(new Membership(ADA, SHOP.id(), Role.AGENT)));
    private final AtomicInteger failures = new AtomicInteger();
    private final AccessTokens tokens = new AccessTokens(new SigningKeys(new JWKSet(key())), "https://console.test",
            Duration.ofMinutes(15), now::get);
    private final java.util.Set<String> revokedSessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AgentSessions sessions = new AgentSessions(tokens, new FakeOperators(), new FakeWorkspaces(),
            new CountingThrottle(), now::get, new FakeRefreshTokens());

    /** Only what the agent socket asks: whether a session family has ended. */
    private final class FakeRefreshTokens implements io.parley.core.port.RefreshTokens {
        @Override
        public reactor.core.publisher.Mono<Void> store(byte[] tokenHash, String familyId, OperatorId operator,
                                                       long sessionVersion, Instant expiresAt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public reactor.core.publisher.Mono<Use> use(byte[] tokenHash, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public reactor.core.publisher.Mono<Void> revokeFamily(String familyId) {
            revokedSessions.add(familyId);
            return reactor.core.publisher.Mono.empty();
        }

        @Override
        public reactor.core.publisher.Mono<Void> revokeFamilyOf(byte[] tokenHash) {
            throw new UnsupportedOperationException();
        }

        @Override
        public reactor.core.publisher.Mono<Boolean> isRevoked(String familyId) {
            return reactor.core.publisher.Mono.just(revokedSessions.contains(familyId));
        }
    }

    @Test
    void aSessionLoggedOutElsewhereEndsAtTheNextCheck() {
        Outcome outcome = start(tokens.issue(operator.get(), "rf_logout").token());
        AgentSession session = ((Outcome.Started) outcome).session();
        assertThat(sessions.recheck(session).block(WAIT)).isEmpty();
        new FakeRefreshTokens().revokeFamily("rf_logout").block(WAIT);
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.LOGGED_OUT);
    }

    @Test
    void aGoodTokenStartsASessionUntilItsExpiry() {
        Outcome outcome = start(tokens.issue(operator.get(), "rf_1").token());
        AgentSession session = ((Outcome.Started) outcome).session();
        assertThat(session.membership().role()).isEqualTo(Role.AGENT);
        assertThat(session.expiresAt()).isEqualTo(now.get().plus(Duration.ofMinutes(15)));
        assertThat(sessions.recheck(session).block(WAIT)).isEmpty();
        assertThat(failures.get()).isZero();
    }

    @Test
    void eachWayASessionEndsIsFoundByTheRecheck() {
        AgentSession session = ((Outcome.Started) start(tokens.issue(operator.get(), "rf_1").token())).session();

        memberships.set(0, new Membership(ADA, SHOP.id(), Role.VIEWER));
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.ROLE_CHANGED);
        memberships.clear();
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.NOT_A_MEMBER);
        operator.set(ada(false, 4));
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.ENDED);
        operator.set(ada(true, 3));
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.DISABLED);
        operator.set(null);
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.INVALID);
        operator.set(ada(false, 3));
        memberships.add(new Membership(ADA, SHOP.id(), Role.AGENT));
        now.set(session.expiresAt());
        assertThat(sessions.recheck(session).block(WAIT)).contains(AgentSessions.EXPIRED);
    }

    @Test
    void rejectedTokensCountAsFailuresWorkspaceProblemsDoNot() {
        String token = tokens.issue(operator.get(), "rf_1").token();
        operator.set(ada(false, 4));
        assertThat(start(token)).isEqualTo(new Outcome.Refused(CloseCodes.NOT_AUTHENTICATED, AgentSessions.ENDED));
        assertThat(failures.get()).isEqualTo(1);

        operator.set(ada(false, 4));
        memberships.add(new Membership(ADA, new WorkspaceId("w_other00000000000000"), Role.OWNER));
        Outcome several = start(tokens.issue(operator.get(), "rf_2").token());
        assertThat(several).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) several).closeCode()).isEqualTo(CloseCodes.FORBIDDEN);
        assertThat(failures.get()).isEqualTo(1);

        String expiring = tokens.issue(operator.get(), "rf_3").token();
        now.set(now.get().plus(Duration.ofMinutes(15)).plusSeconds(1)); // expired, within the verifier's leeway
        assertThat(start(expiring))
                .isEqualTo(new Outcome.Refused(CloseCodes.NOT_AUTHENTICATED, AgentSessions.EXPIRED));
        assertThat(failures.get()).isEqualTo(2);
    }

    private Outcome start(String token) {
        return sessions.start(new AgentFrames.Hello(token, null), "10.0.0.1").block(WAIT);
    }

    private Operator ada(boolean disabled, long sessionVersion) {
        return new Operator(ADA, "ada@parley.test", "Ada", disabled, sessionVersion, Instant.EPOCH);
    }

    private static com.nimbusds.jose.jwk.ECKey key() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("k1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class FakeOperators implements Operators {
        @Override
        public Mono<Operator> find(OperatorId id) {
            return Mono.justOrEmpty(Optional.ofNullable(operator.get()).filter(o -> o.id().equals(id)));
        }

        @Override
        public Mono<Operator> findByIdentity(Identity identity) {
            return Mono.empty();
        }

        @Override
        public Mono<Operator> findOrCreate(Identity identity, @Nullable String email, String displayName) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<Long> endAllSessions(OperatorId id) {
            return Mono.error(new UnsupportedOperationException());
        }
    }

    private final class FakeWorkspaces implements Workspaces {
        @Override
        public Mono<Workspace> find(WorkspaceId id) {
            return Mono.just(new Workspace(id, id.equals(SHOP.id()) ? SHOP.name() : "Other"));
        }

        @Override
        public Mono<Workspace> createOwnedBy(String name, OperatorId owner) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Flux<Membership> membershipsOf(OperatorId id) {
            return Flux.fromIterable(List.copyOf(memberships)).filter(m -> m.operatorId().equals(id));
        }

        @Override
        public Mono<Membership> grant(OperatorId id, WorkspaceId workspace, Role role) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<Workspace> rename(WorkspaceId id, String name) {
            return Mono.error(new UnsupportedOperationException());
        }
    }

    private final class CountingThrottle implements AuthThrottle {
        @Override
        public Mono<Verdict> attempt(AttemptKind kind, String subject) {
            return Mono.just(Verdict.ALLOWED);
        }

        @Override
        public Mono<Verdict> check(AttemptKind kind, String subject) {
            return Mono.just(Verdict.ALLOWED);
        }

        @Override
        public Mono<Verdict> failure(AttemptKind kind, String subject) {
            assertThat(kind).isEqualTo(AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS);
            failures.incrementAndGet();
            return Mono.just(Verdict.ALLOWED);
        }
    }
}
