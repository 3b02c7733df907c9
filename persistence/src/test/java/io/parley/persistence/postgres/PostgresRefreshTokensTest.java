package io.parley.persistence.postgres;

import io.parley.core.model.Operator;
import io.parley.core.port.RefreshTokens;
import io.parley.core.port.RefreshTokens.Use;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.PostgresMagicLinksTest.newHash;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresRefreshTokensTest {

    private final PostgresAdapters adapters = Fixtures.adapters(TestDatabase.connectionFactory());
    private final RefreshTokens tokens = adapters.refreshTokens();
    private final Operator operator = Objects.requireNonNull(
            PostgresOperatorsTest.newOperator(adapters.operators()).block(TIMEOUT));

    @Test
    void aTokenIsValidOnceThenReusedWhichRevokesItsFamily() {
        String family = newFamily();
        byte[] first = newHash();
        byte[] second = newHash();
        Instant now = Instant.now();
        store(first, family, 3, now.plus(Duration.ofDays(30)));

        StepVerifier.create(tokens.use(first, now))
                .expectNext(new Use.Valid(family, operator.id(), 3))
                .expectComplete()
                .verify(TIMEOUT);
        store(second, family, 3, now.plus(Duration.ofDays(30)));
        StepVerifier.create(tokens.use(first, now))
                .expectNext(new Use.Reused(family, operator.id()))
                .expectComplete()
                .verify(TIMEOUT);

        // the rotated token, never used, dies with its family, and so does any token stored into it later
        StepVerifier.create(tokens.use(second, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
        byte[] third = newHash();
        store(third, family, 3, now.plus(Duration.ofDays(30)));
        StepVerifier.create(tokens.use(third, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tokens.use(first, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anExpiredTokenIsInvalidAndRevokesNothing() {
        String family = newFamily();
        byte[] expired = newHash();
        byte[] live = newHash();
        Instant now = Instant.now();
        store(expired, family, 0, now.minus(Duration.ofSeconds(1)));
        store(live, family, 0, now.plus(Duration.ofDays(30)));

        StepVerifier.create(tokens.use(expired, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tokens.use(expired, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tokens.use(live, now))
                .expectNext(new Use.Valid(family, operator.id(), 0))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anUnknownTokenIsInvalid() {
        StepVerifier.create(tokens.use(newHash(), Instant.now()))
                .expectNext(new Use.Invalid())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void revokeFamilyMakesItsTokensInvalid() {
        String family = newFamily();
        byte[] token = newHash();
        Instant now = Instant.now();
        store(token, family, 0, now.plus(Duration.ofDays(30)));

        StepVerifier.create(tokens.revokeFamily(family)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tokens.use(token, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void revokingByAnyTokenOfTheFamilyEndsTheSession() {
        String family = newFamily();
        byte[] used = newHash();
        byte[] current = newHash();
        Instant now = Instant.now();
        store(used, family, 0, now.plus(Duration.ofDays(30)));
        StepVerifier.create(tokens.isRevoked(family)).expectNext(false).expectComplete().verify(TIMEOUT);

        StepVerifier.create(tokens.revokeFamilyOf(used)).expectComplete().verify(TIMEOUT);

        StepVerifier.create(tokens.isRevoked(family)).expectNext(true).expectComplete().verify(TIMEOUT);
        store(current, family, 0, now.plus(Duration.ofDays(30)));
        StepVerifier.create(tokens.use(current, now)).expectNext(new Use.Invalid()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tokens.isRevoked("rf_unknown_" + newFamily())).expectNext(true).expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aFamilyOfAnotherOperatorTakesNoToken() {
        String family = newFamily();
        Operator other = Objects.requireNonNull(PostgresOperatorsTest.newOperator(adapters.operators()).block(TIMEOUT));
        store(newHash(), family, 0, Instant.now().plus(Duration.ofDays(30)));
        byte[] stolen = newHash();

        StepVerifier.create(tokens.store(stolen, family, other.id(), 0, Instant.now().plus(Duration.ofDays(30))))
                .expectError()
                .verify(TIMEOUT);
        StepVerifier.create(tokens.use(stolen, Instant.now()))
                .expectNext(new Use.Invalid())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void twoRacingUsesOnTwoNodesGiveOneValidAndOneReused() {
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            RefreshTokens onA = Fixtures.adapters(nodeA).refreshTokens();
            RefreshTokens onB = Fixtures.adapters(nodeB).refreshTokens();
            for (int round = 0; round < 10; round++) {
                String family = newFamily();
                byte[] token = newHash();
                Instant now = Instant.now();
                store(token, family, 0, now.plus(Duration.ofDays(30)));

                StepVerifier.create(Flux.merge(onA.use(token, now), onB.use(token, now)).collectList())
                        .assertNext(uses -> assertThat(uses).containsExactlyInAnyOrder(
                                new Use.Valid(family, operator.id(), 0), new Use.Reused(family, operator.id())))
                        .expectComplete()
                        .verify(TIMEOUT);
                StepVerifier.create(tokens.use(token, now))
                        .expectNext(new Use.Invalid())
                        .expectComplete()
                        .verify(TIMEOUT);
            }
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    private void store(byte[] hash, String family, long sessionVersion, Instant expiresAt) {
        StepVerifier.create(tokens.store(hash, family, operator.id(), sessionVersion, expiresAt))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private static String newFamily() {
        return "f_" + RandomIds.suffix();
    }
}
