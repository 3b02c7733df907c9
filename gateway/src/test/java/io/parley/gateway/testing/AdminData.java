package io.parley.gateway.testing;

import io.parley.persistence.postgres.SealedValues;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Visitors, conversations and events written with plain SQL into any workspace (personal data and message
 * text sealed as the gateway seals them), and read back, for tests of the administration API. Every value is unique per call, so assertions on raw bodies cannot match
 * another test's data.
 */
public final class AdminData {

    private AdminData() {
    }

    /** A visitor's personal data as stored. */
    public record Person(String externalId, String email, String name, String phone, String ip) {
        /** Unique values: a name of two words, an e-mail, a phone number and an IPv4 address. */
        public static Person unique() {
            String tag = suffix().substring(0, 8);
            String letters = tag.replaceAll("[0-9]", "q");
            return new Person("crm-" + tag, "Rosalind." + tag + "@Example-Mail.test",
                    "Rosalind Quartermaine" + letters, "+44 20 7946 " + (1000 + Math.abs(tag.hashCode() % 8999)),
                    "198.51." + Math.abs(tag.hashCode() % 250) + "." + Math.abs(tag.hashCode() / 7 % 250));
        }
    }

    public static String bot(String workspace) {
        String id = "b_a" + suffix();
        execute("INSERT INTO bots (id, workspace_id, name, greeting, responder) VALUES (?, ?, 'Admin Test Bot', 'Hi', "
                + "'knowledge_base')", id, workspace);
        return id;
    }

    public static String visitor(String workspace, @Nullable Person person, Instant createdAt) {
        String id = "v_a" + suffix();
        execute("INSERT INTO visitors (id, workspace_id, created_at) VALUES (?, ?, ?)", id, workspace,
                Timestamp.from(createdAt));
        if (person != null) {
            personalData(id, person);
        }
        return id;
    }

    /** Makes the visitor verified with {@code person}'s data, sealed and indexed as the gateway stores it. */
    public static void personalData(String visitor, Person person) {
        String workspace = String.valueOf(rows("SELECT workspace_id FROM visitors WHERE id = ?", visitor).get(0)
                .get("workspace_id"));
        SealedValues sealed = SealedValues.shared();
        execute("""
                UPDATE visitors SET verified = true, external_id = ?, external_id_index = ?, email = ?, email_index = ?,
                                    name = ?, phone = ?, ip_address = ?
                 WHERE id = ?""",
                sealed.seal("visitors", "external_id", person.externalId(), visitor),
                sealed.visitorExternalIdIndex(workspace, person.externalId()),
                sealed.seal("visitors", "email", person.email(), visitor), sealed.visitorEmailIndex(workspace, person.email()),
                sealed.seal("visitors", "name", person.name(), visitor), sealed.seal("visitors", "phone", person.phone(), visitor),
                sealed.seal("visitors", "ip_address", person.ip(), visitor), visitor);
    }

    public static String conversation(String workspace, String bot, String visitor, String state, boolean humanHandling,
                                      Instant createdAt) {
        String id = "c_a" + suffix();
        execute("""
                INSERT INTO conversations (id, workspace_id, bot_id, visitor_id, state, human_handling, created_at, closed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", id, workspace, bot, visitor, state, humanHandling,
                Timestamp.from(createdAt), state.equals("closed") ? Timestamp.from(createdAt.plusSeconds(60)) : null);
        return id;
    }

    /** Appends a message and returns its seq. */
    public static long message(String conversation, String role, String authorId, String authorName, String text,
                               @Nullable String finish) {
        long seq = nextSeq(conversation);
        execute("""
                INSERT INTO events (conversation_id, seq, kind, message_id, author_role, author_id, author_name, text,
                                    finish, created_at)
                VALUES (?, ?, 'message', ?, ?, ?, ?, ?, ?, now())""", conversation, seq, "m_a" + suffix(), role,
                authorId, authorName, SealedValues.shared().seal("events", "text", text, conversation, seq), finish);
        return seq;
    }

    public static long handoff(String conversation, String state, @Nullable String agentName) {
        long seq = nextSeq(conversation);
        execute("INSERT INTO events (conversation_id, seq, kind, handoff_state, agent_name, created_at) "
                + "VALUES (?, ?, 'handoff', ?, ?, now())", conversation, seq, state, agentName);
        return seq;
    }

    public static long count(String sql, Object... parameters) {
        return Long.parseLong(String.valueOf(rows(sql, parameters).get(0).values().iterator().next()));
    }

    /** The rows of a query, each as column → value. */
    public static List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection db = connect(); PreparedStatement query = prepare(db, sql, parameters);
             ResultSet result = query.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                    row.put(result.getMetaData().getColumnLabel(column), result.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long nextSeq(String conversation) {
        long seq = count("SELECT last_seq + 1 FROM conversations WHERE id = ?", conversation);
        execute("UPDATE conversations SET last_seq = ? WHERE id = ?", seq, conversation);
        return seq;
    }

    public static void execute(String sql, @Nullable Object... parameters) {
        try (Connection db = connect(); PreparedStatement statement = prepare(db, sql, parameters)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection db, String sql, @Nullable Object... parameters)
            throws SQLException {
        PreparedStatement statement = db.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }
}
