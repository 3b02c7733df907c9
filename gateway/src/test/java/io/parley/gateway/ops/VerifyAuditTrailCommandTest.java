package io.parley.gateway.ops;

import io.parley.persistence.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.AuditEvent;
import io.parley.core.engine.RandomIds;
import io.parley.core.port.Clock;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyAuditTrailCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run() {
        return VerifyAuditTrailCommand.run(new String[] {"admin", "verify-audit-trail",
                        "--parley.database.r2dbc-url=" + TestDatabase.r2dbcUrl(),
                        "--parley.database.jdbc-url=" + TestDatabase.jdbcUrl(),
                        "--parley.database.username=" + TestDatabase.user(),
                        "--parley.database.password=" + TestDatabase.password()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void anIntactTrailPassesAndAnEditedEventIsNamed() throws Exception {
        String marker = java.util.UUID.randomUUID().toString();
        new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(), new RandomIds(), TestKeys.encryption())
                .auditTrail()
                .record(new AuditEvent(AuditEvent.Kind.LOGIN_FAILED, null, "192.0.2.9", Map.of("marker", marker),
                        Instant.now()))
                .block(Duration.ofSeconds(20));
        assertThat(run()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("audit trail intact");

        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(),
                TestDatabase.password()); Statement sql = db.createStatement()) {
            long id;
            try (ResultSet mine = sql.executeQuery("SELECT id FROM audit_events WHERE details LIKE '%" + marker + "%'")) {
                mine.next();
                id = mine.getLong(1);
            }
            String address = "192.0.2.9";
            sql.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;"
                    + " UPDATE audit_events SET client_address = '198.51.100.66' WHERE id = " + id + ";"
                    + " ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
            try {
                out.reset();
                assertThat(run()).isEqualTo(1);
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("BROKEN: event " + id + " ");
            } finally {
                sql.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;"
                        + " UPDATE audit_events SET client_address = '" + address + "' WHERE id = " + id + ";"
                        + " ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
            }
        }
        out.reset();
        assertThat(run()).isZero();
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(VerifyAuditTrailCommand.run(new String[] {"admin", "verify"}, new PrintStream(out),
                new PrintStream(err))).isEqualTo(2);
    }
}
