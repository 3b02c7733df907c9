package io.parley.gateway.testing;

import io.parley.persistence.postgres.SealedValues;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Bots and widget keys of the tests' own, in the seeded demo workspace, so each test gets fresh
 * rate-limit buckets and its own settings. Knowledge-base bots get a copy of the demo bot's entries.
 */
public final class TestBots {
    public static final String DEMO_ORIGIN = "https://localhost:8443";

    private TestBots() {
    }

    /** A knowledge-base bot with the protocol's default message limits and no connection limit. */
    public static String knowledgeBaseKey() {
        return create("knowledge_base", 20, 600, List.of(DEMO_ORIGIN), true);
    }

    /** A browser-only key: its origins only, no native clients. */
    public static String browserOnlyKey(String origin) {
        return create("knowledge_base", 20, 600, List.of(origin), false);
    }

    /** A synthetic (load-test) bot with every limit lifted. */
    public static String syntheticKey() {
        return create("synthetic", 0, 0, List.of(), true);
    }

    /** A synthetic bot for browsers on {@code origin} only, every limit lifted, whose replies take {@code tokens} / 20 s. */
    public static String syntheticBrowserKey(String origin, int tokens) {
        return create("w_demo", "synthetic", tokens, 0, 0, 0, List.of(origin), false);
    }

    /** A knowledge-base bot that takes at most {@code connections} new connections a minute per address. */
    public static String connectionLimitedKey(int connections) {
        return create("knowledge_base", 20, 600, connections, List.of(DEMO_ORIGIN), true);
    }

    public static String create(String responder, int messagesPerVisitor, int messagesPerKeyAndIp,
                                List<String> origins, boolean allowNative) {
        return create(responder, messagesPerVisitor, messagesPerKeyAndIp, 0, origins, allowNative);
    }

    public static String create(String responder, int messagesPerVisitor, int messagesPerKeyAndIp,
                                int connectionsPerKeyAndIp, List<String> origins, boolean allowNative) {
        return create("w_demo", responder, 40, messagesPerVisitor, messagesPerKeyAndIp, connectionsPerKeyAndIp,
                origins, allowNative);
    }

    /** A synthetic bot in {@code workspaceId} for browsers on {@code origin} only, every limit lifted. */
    public static String syntheticBrowserKeyIn(String workspaceId, String origin, int tokens) {
        return create(workspaceId, "synthetic", tokens, 0, 0, 0, List.of(origin), false);
    }

    /** A synthetic bot of {@code workspaceId}, every limit lifted, whose replies take {@code tokens} / 20 s. */
    public static String syntheticKeyIn(String workspaceId, int tokens) {
        return create(workspaceId, "synthetic", tokens, 0, 0, 0, List.of(), true);
    }

    private static String create(String workspaceId, String responder, int syntheticTokens, int messagesPerVisitor,
                                 int messagesPerKeyAndIp, int connectionsPerKeyAndIp, List<String> origins,
                                 boolean allowNative) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String botId = "b_t" + suffix;
        String key = "pk_t" + suffix;
        try (Connection db = connect()) {
            try (PreparedStatement bot = db.prepareStatement("""
                    INSERT INTO bots (id, workspace_id, name, greeting, responder, synthetic_tokens,
                        synthetic_tokens_per_second, messages_per_visitor_permits, messages_per_key_ip_permits,
                        connections_per_key_ip_permits, allowed_origins, allow_native_clients)
                    VALUES (?, ?, 'Test Bot', 'Hello from the test bot', ?, ?, 20, ?, ?, ?, ?, ?)""")) {
                bot.setString(1, botId);
                bot.setString(2, workspaceId);
                bot.setString(3, responder);
                bot.setInt(4, syntheticTokens);
                bot.setInt(5, messagesPerVisitor);
                bot.setInt(6, messagesPerKeyAndIp);
                bot.setInt(7, connectionsPerKeyAndIp);
                bot.setArray(8, db.createArrayOf("text", origins.toArray()));
                bot.setBoolean(9, allowNative);
                bot.executeUpdate();
            }
            try (PreparedStatement widget = db.prepareStatement(
                    "INSERT INTO widget_keys (key, bot_id) VALUES (?, ?)")) {
                widget.setString(1, key);
                widget.setString(2, botId);
                widget.executeUpdate();
            }
            try (PreparedStatement copy = db.prepareStatement("""
                    INSERT INTO knowledge_entries (id, bot_id, title, body)
                    SELECT id || '_' || ?, ?, title, body FROM knowledge_entries WHERE bot_id = 'b_parley_demo'""")) {
                copy.setString(1, suffix);
                copy.setString(2, botId);
                copy.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test bot", e);
        }
        return key;
    }

    /** The seqs stored for a conversation, in order. */
    public static List<Long> seqs(String conversationId) {
        return longs("SELECT seq FROM events WHERE conversation_id = ? ORDER BY seq", conversationId);
    }

    /** How the bot reply stored under {@code seq} ended (stop, cancelled, interrupted …); "none" when none is. */
    public static String finishOf(String conversationId, long seq) {
        return eventColumn(conversationId, seq, "finish", "none");
    }

    /** The text of the message stored under {@code seq}, empty when there is none. */
    public static String textOf(String conversationId, long seq) {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement(
                     "SELECT text FROM events WHERE conversation_id = ? AND seq = ?")) {
            query.setString(1, conversationId);
            query.setLong(2, seq);
            try (ResultSet rows = query.executeQuery()) {
                byte[] sealed = rows.next() ? rows.getBytes(1) : null;
                return sealed == null ? "" : SealedValues.shared().open("events", "text", sealed, conversationId, seq);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String eventColumn(String conversationId, long seq, String column, String otherwise) {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement(
                     "SELECT " + column + " FROM events WHERE conversation_id = ? AND seq = ?")) {
            query.setString(1, conversationId);
            query.setLong(2, seq);
            try (ResultSet rows = query.executeQuery()) {
                String value = rows.next() ? rows.getString(1) : null;
                return value == null ? otherwise : value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many messages with this clientMsgId the conversation holds. */
    public static long countClientMessages(String conversationId, String clientMsgId) {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement(
                     "SELECT count(*) FROM events WHERE conversation_id = ? AND client_msg_id = ?")) {
            query.setString(1, conversationId);
            query.setString(2, clientMsgId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many messages with this clientMsgId exist anywhere. */
    public static long countClientMessagesAnywhere(String clientMsgId) {
        return longs("SELECT count(*) FROM events WHERE client_msg_id = ?", clientMsgId).get(0);
    }

    public static void execute(String sql) {
        try (Connection db = connect(); var statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> longs(String sql, String parameter) {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, parameter);
            List<Long> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getLong(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }
}
