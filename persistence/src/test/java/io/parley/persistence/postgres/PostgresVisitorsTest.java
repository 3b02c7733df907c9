package io.parley.persistence.postgres;

import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
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

    /** The visitor's row, its sealed columns opened. */
    private Map<String, Object> row(VisitorId id) {
        FieldCodec fields = new FieldCodec(TestKeys.encryption());
        Map<String, Sealed> sealed = Map.of("external_id", Sealed.VISITOR_EXTERNAL_ID, "email", Sealed.VISITOR_EMAIL,
                "name", Sealed.VISITOR_NAME, "phone", Sealed.VISITOR_PHONE, "ip_address", Sealed.VISITOR_IP_ADDRESS);
        return Objects.requireNonNull(DatabaseClient.create(TestDatabase.connectionFactory())
                .sql("SELECT external_id, verified, email, name, phone, ip_address FROM visitors WHERE id = :id")
                .bind("id", id.value())
                .map(row -> {
                    Map<String, Object> values = new HashMap<>();
                    values.put("verified", Sql.bool(row, "verified"));
                    sealed.forEach((column, field) -> values.put(column,
                            fields.openNullable(field, Sql.nullableBytes(row, column), id.value())));
                    return values;
                })
                .one().block(TIMEOUT));
    }

    private static VerifiedIdentity identity(String subject, String email) {
        return new VerifiedIdentity(subject, email, null, null);
    }

    private static String subject() {
        return "user-" + RandomIds.suffix();
    }

    @Test
    void anUnverifiedVisitorIsIdentifiedWithThePersonalDataOfTheIdentity() {
        Visitor visitor = Objects.requireNonNull(visitors.create(WORKSPACE).block(TIMEOUT));
        String subject = subject();

        StepVerifier.create(visitors.identify(visitor.id(), WORKSPACE, new VerifiedIdentity(subject, "j@example.com",
                        "Jane", "+1 555"))).expectNext(true).expectComplete().verify(TIMEOUT);

        assertThat(row(visitor.id())).containsEntry("external_id", subject).containsEntry("verified", true)
                .containsEntry("email", "j@example.com").containsEntry("name", "Jane").containsEntry("phone", "+1 555");
        StepVerifier.create(visitors.externalIdOf(visitor.id())).expectNext(subject).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aVisitorVerifiedAsSomeoneElseIsNeverTakenOver() {
        Visitor visitor = Objects.requireNonNull(visitors.create(WORKSPACE).block(TIMEOUT));
        String first = subject();
        visitors.identify(visitor.id(), WORKSPACE, identity(first, "a@example.com")).block(TIMEOUT);

        StepVerifier.create(visitors.identify(visitor.id(), WORKSPACE, identity(subject(), "b@example.com")))
                .expectNext(false).expectComplete().verify(TIMEOUT);

        assertThat(row(visitor.id())).containsEntry("external_id", first).containsEntry("email", "a@example.com");
    }

    @Test
    void aSubjectAlreadyVerifiedElsewhereOrAnotherWorkspacesVisitorIsNotIdentified() {
        String subject = subject();
        Visitor known = Objects.requireNonNull(visitors.findOrCreateVerified(WORKSPACE, identity(subject, "a@example.com"))
                .block(TIMEOUT));
        Visitor anonymous = Objects.requireNonNull(visitors.create(WORKSPACE).block(TIMEOUT));

        StepVerifier.create(visitors.identify(anonymous.id(), WORKSPACE, identity(subject, "a@example.com")))
                .expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(visitors.identify(anonymous.id(), new WorkspaceId("w_other"), identity(subject(), "a@example.com")))
                .expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(visitors.externalIdOf(anonymous.id())).expectComplete().verify(TIMEOUT);
        assertThat(known.id()).isNotEqualTo(anonymous.id());
    }

    @Test
    void findOrCreateVerifiedKeepsOneVisitorPerSubjectAndRefreshesItsPersonalData() {
        String subject = subject();
        Visitor first = Objects.requireNonNull(visitors.findOrCreateVerified(WORKSPACE,
                new VerifiedIdentity(subject, "old@example.com", "Jane", null)).block(TIMEOUT));

        Visitor again = Objects.requireNonNull(visitors.findOrCreateVerified(WORKSPACE,
                identity(subject, "new@example.com")).block(TIMEOUT));

        assertThat(again).isEqualTo(first);
        assertThat(row(first.id())).containsEntry("email", "new@example.com").containsEntry("name", "Jane")
                .containsEntry("verified", true);
    }

    @Test
    void helloesOfOneSubjectAtOnceMakeOneVisitor() {
        String subject = subject();

        StepVerifier.create(reactor.core.publisher.Flux.range(0, 5)
                        .flatMap(i -> visitors.findOrCreateVerified(WORKSPACE, identity(subject, "a@example.com")))
                        .map(Visitor::id).distinct().count())
                .expectNext(1L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void theLastAddressIsRecorded() {
        Visitor visitor = Objects.requireNonNull(visitors.create(WORKSPACE).block(TIMEOUT));

        visitors.recordAddress(visitor.id(), "203.0.113.5").block(TIMEOUT);
        visitors.recordAddress(visitor.id(), "2001:db8::1").block(TIMEOUT);

        assertThat(row(visitor.id())).containsEntry("ip_address", "2001:db8::1").containsEntry("verified", false);
    }
}
