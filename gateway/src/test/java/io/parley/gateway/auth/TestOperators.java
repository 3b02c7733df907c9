package io.parley.gateway.auth;

import io.parley.persistence.postgres.SealedValues;
import io.parley.gateway.auth.admin.CreateOwnerCommand;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the database holds about operators, and the create-owner command run in-process. */
final class TestOperators {

    private TestOperators() {
    }

    /** How many operators have the magic-link identity of {@code email} (found by its blind index). */
    static long withEmail(String email) {
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement(
                     "SELECT count(*) FROM operator_identities WHERE issuer = 'parley:magic-link' AND subject_index = ?")) {
            query.setBytes(1, SealedValues.shared().operatorSubjectIndex("parley:magic-link", email));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    record CommandRun(int status, String out, String err) {
    }

    /** Runs {@code admin create-owner} against the test database with the test configuration. */
    static CommandRun createOwner(String... options) {
        List<String> args = new ArrayList<>(List.of("admin", "create-owner"));
        args.addAll(List.of(options));
        args.add("--spring.profiles.active=test");
        TestBackends.properties().forEach((name, value) -> args.add("--" + name + "=" + value));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CreateOwnerCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
