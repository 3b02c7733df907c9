package io.parley.persistence.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AuditEvent;
import io.parley.core.port.AuditTrail;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class PostgresAuditTrailTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static AuditEvent event(String marker) {
        return new AuditEvent(AuditEvent.Kind.LOGIN_FAILED, null, "192.0.2.1", Map.of("method", "magic_link",
                "marker", marker), Instant.now());
    }

    @Test
    void eventsFromTwoNodesAtOnceFormOneUnbrokenChain() {
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            AuditTrail onA = Fixtures.adapters(nodeA).auditTrail();
            AuditTrail onB = Fixtures.adapters(nodeB).auditTrail();
            String marker = UUID.randomUUID().toString();
            StepVerifier.create(Flux.range(0, 20)
                            .flatMap(i -> (i % 2 == 0 ? onA : onB).record(event(marker)), 8)
                            .then())
                    .expectComplete()
                    .verify(TIMEOUT);

            DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());
            StepVerifier.create(db.sql("SELECT count(*) AS n FROM audit_events WHERE details LIKE :marker")
                            .bind("marker", "%" + marker + "%").map(row -> Sql.longValue(row, "n")).one())
                    .expectNext(20L)
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(Fixtures.adapters(nodeA).firstBrokenAuditLink())
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    @Test
    void theTrailIsAppendOnlyAndATamperedRowBreaksTheChain() {
        PostgresAdapters adapters = Fixtures.adapters(TestDatabase.connectionFactory());
        String marker = UUID.randomUUID().toString();
        adapters.auditTrail().record(event(marker)).block(TIMEOUT);
        DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());
        long id = db.sql("SELECT id FROM audit_events WHERE details LIKE :m").bind("m", "%" + marker + "%")
                .map(row -> Sql.longValue(row, "id")).one().block(TIMEOUT);

        StepVerifier.create(db.sql("UPDATE audit_events SET kind = 'login.succeeded' WHERE id = :id").bind("id", id).then())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("append-only"))
                .verify(TIMEOUT);
        StepVerifier.create(db.sql("DELETE FROM audit_events WHERE id = :id").bind("id", id).then())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("append-only"))
                .verify(TIMEOUT);

        // someone with the power to switch the trigger off still cannot hide the change
        String tamper = "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;"
                + " UPDATE audit_events SET client_address = '198.51.100.9' WHERE id = " + id + ";"
                + " ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only";
        String restore = "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;"
                + " UPDATE audit_events SET client_address = '192.0.2.1' WHERE id = " + id + ";"
                + " ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only";
        try {
            db.sql(tamper).then().block(TIMEOUT);
            StepVerifier.create(adapters.firstBrokenAuditLink()).expectNext(id).expectComplete().verify(TIMEOUT);
        } finally {
            db.sql(restore).then().block(TIMEOUT);
        }
        StepVerifier.create(adapters.firstBrokenAuditLink()).expectComplete().verify(TIMEOUT);
    }
}
