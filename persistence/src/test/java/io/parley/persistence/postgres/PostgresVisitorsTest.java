package io.parley.persistence.postgres;

import io.parley.core.model.Visitor;
import io.parley.core.port.Visitors;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresVisitorsTest {

    private final RandomIds ids = new RandomIds();
    private final Visitors visitors = Fixtures.seededAdapters().visitors();

    @Test
    void createdVisitorIsFoundAgain() {
        Visitor created = Objects.requireNonNull(visitors.create(WORKSPACE).block(TIMEOUT));

        assertThat(created.workspaceId()).isEqualTo(WORKSPACE);
        StepVerifier.create(visitors.find(created.id())).expectNext(created).expectComplete().verify(TIMEOUT);
    }

    @Test
    void eachCreateMakesADifferentVisitor() {
        StepVerifier.create(visitors.create(WORKSPACE).zipWith(visitors.create(WORKSPACE)))
                .assertNext(two -> assertThat(two.getT1().id()).isNotEqualTo(two.getT2().id()))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void unknownVisitorIsNotFound() {
        StepVerifier.create(visitors.find(ids.visitorId())).expectComplete().verify(TIMEOUT);
    }
}
