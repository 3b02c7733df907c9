package io.parley.persistence.postgres;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Operators;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresOperatorsTest {

    private final Operators operators = Fixtures.adapters(TestDatabase.connectionFactory()).operators();
    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    @Test
    void findOrCreateRacingOnTwoNodesGivesOneOperator() {
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            Operators onA = Fixtures.adapters(nodeA).operators();
            Operators onB = Fixtures.adapters(nodeB).operators();
            List<String> emails = IntStream.range(0, 20)
                    .mapToObj(i -> "race-" + RandomIds.suffix() + "@example.com")
                    .toList();
            Flux<List<Operator>> races = Flux.fromIterable(emails)
                    .concatMap(email -> {
                        Identity identity = new Identity(Identity.MAGIC_LINK_ISSUER, email);
                        return Flux.merge(onA.findOrCreate(identity, email, email),
                                onB.findOrCreate(identity, email, email)).collectList();
                    });

            StepVerifier.create(races.collectList())
                    .assertNext(results -> {
                        assertThat(results).hasSize(20);
                        assertThat(results).allSatisfy(pair -> {
                            assertThat(pair).hasSize(2);
                            assertThat(pair.get(1)).isEqualTo(pair.get(0));
                        });
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            // the loser's operator is gone again: one operator row per e-mail (the display name here), not two
            StepVerifier.create(db.sql("SELECT count(*) AS n FROM operators WHERE display_name = ANY(:emails)")
                            .bind("emails", emails.toArray(String[]::new))
                            .map(row -> Sql.longValue(row, "n"))
                            .one())
                    .expectNext(20L)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    @Test
    void sameIdentityGivesTheSameOperatorAndAnotherIssuerWithTheSameEmailAnother() {
        String suffix = RandomIds.suffix();
        String email = "ada-" + suffix + "@example.com";
        Identity google = new Identity("https://accounts.google.com", "g-" + suffix);
        Identity microsoft = new Identity("https://login.microsoftonline.com/tenant/v2.0", "m-" + suffix);

        Operator first = Objects.requireNonNull(
                operators.findOrCreate(google, "  Ada-" + suffix + "@Example.COM ", "Ada").block(TIMEOUT));
        assertThat(first.id().value()).startsWith(OperatorId.PREFIX).hasSize(2 + 22);
        assertThat(first.email()).isEqualTo(email);
        assertThat(first.displayName()).isEqualTo("Ada");
        assertThat(first.disabled()).isFalse();
        assertThat(first.sessionVersion()).isZero();

        StepVerifier.create(operators.findOrCreate(google, "other@example.com", "Someone Else"))
                .expectNext(first)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(operators.findByIdentity(google)).expectNext(first).expectComplete().verify(TIMEOUT);
        StepVerifier.create(operators.find(first.id())).expectNext(first).expectComplete().verify(TIMEOUT);
        StepVerifier.create(operators.findOrCreate(microsoft, email, "Ada"))
                .assertNext(other -> {
                    assertThat(other.id()).isNotEqualTo(first.id());
                    assertThat(other.email()).isEqualTo(email);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anOperatorMayHaveNoEmail() {
        Identity identity = new Identity("https://issuer.example", "s-" + RandomIds.suffix());

        StepVerifier.create(operators.findOrCreate(identity, "   ", "No Mail")
                        .flatMap(created -> operators.find(created.id())))
                .assertNext(found -> assertThat(found.email()).isNull())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void unknownOperatorsAndIdentitiesAreNotFound() {
        StepVerifier.create(operators.find(new OperatorId("o_" + RandomIds.suffix())))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(operators.findByIdentity(new Identity("https://issuer.example", RandomIds.suffix())))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(operators.endAllSessions(new OperatorId("o_" + RandomIds.suffix())))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void endAllSessionsBumpsTheSessionVersion() {
        Operator operator = Objects.requireNonNull(operators.findOrCreate(
                new Identity("https://issuer.example", "s-" + RandomIds.suffix()), null, "Grace").block(TIMEOUT));

        StepVerifier.create(operators.endAllSessions(operator.id())).expectNext(1L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(operators.endAllSessions(operator.id())).expectNext(2L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(operators.find(operator.id()).map(Operator::sessionVersion))
                .expectNext(2L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    static Mono<Operator> newOperator(Operators operators) {
        return operators.findOrCreate(new Identity("https://issuer.example", "s-" + RandomIds.suffix()), null,
                "Someone");
    }
}
