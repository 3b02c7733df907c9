package io.parley.gateway.backup;

import io.parley.core.engine.RandomIds;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.persistence.postgres.DatabaseMigrations;
import io.parley.persistence.postgres.DemoWorkspace;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.pool.ConnectionPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Databases of one test, beside the shared test database ({@code <PARLEY_TEST_DB>_<role>_<random>}) on
 * the same server, dropped by {@link #close()}: a source with conversations to back up and fresh empty
 * targets to restore into. Only this test writes them, so their rows can be compared whole.
 */
final class ScratchDatabases implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<String> created = new ArrayList<>();

    /** A new empty database. */
    String create(String role) {
        String name = TestDatabase.name() + "_" + role + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        admin("CREATE DATABASE " + name);
        created.add(name);
        return name;
    }

    /**
     * A new database with Parley's schema, the demo workspace and {@code conversations} conversations of a
     * few messages each, one of them saying {@code marker} (sealed) by an author named {@code marker} (clear).
     */
    String createWithConversations(int conversations, String marker) {
        String name = create("src");
        DatabaseMigrations.migrate(jdbcUrl(name), TestDatabase.user(), TestDatabase.password(), TestKeys.encryption());
        ConnectionPool pool = io.parley.persistence.postgres.PostgresConnections.pool(
                "r2dbc:postgresql://" + TestDatabase.host() + ":" + TestDatabase.port() + "/" + name,
                TestDatabase.user(), TestDatabase.password(), 2);
        try {
            DemoWorkspace.seed(pool).block(TIMEOUT);
            PostgresAdapters postgres = new PostgresAdapters(pool, Clock.system(), new RandomIds(), TestKeys.encryption());
            WorkspaceId workspace = new WorkspaceId(DemoWorkspace.WORKSPACE_ID);
            BotId bot = new BotId(DemoWorkspace.DEMO_BOT_ID);
            for (int i = 0; i < conversations; i++) {
                int n = i;
                postgres.visitors().create(workspace)
                        .flatMap(visitor -> postgres.conversations().openFor(workspace, bot, visitor.id())
                                .flatMap(conversation -> postgres.messageLog()
                                        .appendClientMessage(conversation.id(), new MessageId("m_q" + UUID.randomUUID()),
                                                // the marker also as the author's name, a column not sealed at rest,
                                                // so that the dump would hold it in the clear were it not encrypted
                                                new Author(AuthorRole.VISITOR, visitor.id().value(),
                                                        n == 0 ? marker : "Visitor " + n),
                                                "client-" + n, n == 0 ? marker : "Where is my order number " + n + "?")
                                        .then(postgres.messageLog().appendReply(conversation.id(),
                                                new MessageId("m_r" + UUID.randomUUID()),
                                                new Author(AuthorRole.BOT, bot.value(), "Parley"),
                                                "Let me look up order " + n + " for you. Ünïcödé ✓", Finish.STOP))))
                        .block(TIMEOUT);
            }
        } finally {
            pool.dispose();
        }
        return name;
    }

    static String libpqUrl(String database) {
        return "postgresql://" + TestDatabase.user() + "@" + TestDatabase.host() + ":" + TestDatabase.port() + "/" + database;
    }

    static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + TestDatabase.host() + ":" + TestDatabase.port() + "/" + database;
    }

    static PgTarget target(String database) {
        return new PgTarget(libpqUrl(database), TestDatabase.password().isEmpty() ? null : TestDatabase.password());
    }

    /** Every row of every table of the public schema, as PostgreSQL's text of the row, sorted; by table. */
    static Map<String, List<String>> everyRow(String database) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl(database), TestDatabase.user(), TestDatabase.password());
             Statement sql = db.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            for (String table : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet result = sql.executeQuery("SELECT t::text FROM public.\"" + table + "\" t ORDER BY 1")) {
                    while (result.next()) {
                        rows.add(result.getString(1));
                    }
                }
                tables.put(table, rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + database, e);
        }
        return tables;
    }

    static long count(String database, String table) {
        try (Connection db = DriverManager.getConnection(jdbcUrl(database), TestDatabase.user(), TestDatabase.password());
             Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count " + table + " in " + database, e);
        }
    }

    static void execute(String database, String statement) {
        try (Connection db = DriverManager.getConnection(jdbcUrl(database), TestDatabase.user(), TestDatabase.password());
             Statement sql = db.createStatement()) {
            sql.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + statement + " in " + database, e);
        }
    }

    private static void admin(String statement) {
        execute("postgres", statement);
    }

    @Override
    public void close() {
        for (String name : created) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
