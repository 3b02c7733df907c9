package io.parley.persistence.testing;

import io.parley.persistence.postgres.DatabaseMigrations;
import io.parley.persistence.postgres.PostgresConnections;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The real PostgreSQL database that adapter tests share. Configured by environment variables:
 * {@code PARLEY_DB_HOST} (127.0.0.1), {@code PARLEY_DB_PORT} (5432), {@code PARLEY_DB_USER} (postgres),
 * {@code PARLEY_DB_PASSWORD} (empty) and {@code PARLEY_TEST_DB} (parley_test). The first use in a JVM
 * creates the database when it is missing and migrates it (with {@link TestKeys}' keysets, the same for
 * every JVM using it). Tests share it, so they use fresh ids and never assume an empty table; tests that
 * seal with keysets of their own do it in workspaces of their own.
 */
public final class TestDatabase {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static final String HOST = env("PARLEY_DB_HOST", "127.0.0.1");
    private static final String PORT = env("PARLEY_DB_PORT", "5432");
    private static final String USER = env("PARLEY_DB_USER", "postgres");
    private static final String PASSWORD = env("PARLEY_DB_PASSWORD", "");
    private static final String NAME = env("PARLEY_TEST_DB", "parley_test");

    private TestDatabase() {
    }

    public static String jdbcUrl() {
        Ready.ensure();
        return jdbcUrl(NAME);
    }

    public static String r2dbcUrl() {
        Ready.ensure();
        return "r2dbc:postgresql://" + HOST + ":" + PORT + "/" + NAME;
    }

    public static String user() {
        return USER;
    }

    public static String password() {
        return PASSWORD;
    }

    public static String host() {
        return HOST;
    }

    public static int port() {
        return Integer.parseInt(PORT);
    }

    /** The database's name (PARLEY_TEST_DB). */
    public static String name() {
        return NAME;
    }

    /** A pool shared by the tests of this JVM; do not close it. */
    public static ConnectionFactory connectionFactory() {
        return Ready.SHARED_POOL;
    }

    /** A new, independent pool (think: another gateway node); the caller disposes it. */
    public static ConnectionPool newPool(int maxSize) {
        return PostgresConnections.pool(r2dbcUrl(), USER, PASSWORD, maxSize);
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Initialised once per JVM, on first use (the JVM's class initialisation makes it thread-safe). */
    private static final class Ready {
        static final ConnectionPool SHARED_POOL;

        static {
            createDatabaseIfMissing();
            if (TestKeys.madeByThisJvm() && holdsValuesOfLostKeysets()) {
                recreateDatabase();
            }
            DatabaseMigrations.migrate(jdbcUrl(NAME), USER, PASSWORD, TestKeys.encryption());
            SHARED_POOL = PostgresConnections.pool("r2dbc:postgresql://" + HOST + ":" + PORT + "/" + NAME,
                    USER, PASSWORD, 8);
            Runtime.getRuntime().addShutdownHook(new Thread(SHARED_POOL::dispose, "test-database-pool-close"));
        }

        static void ensure() {
            // loading the class is the work
        }

        private static void createDatabaseIfMissing() {
            if (!DATABASE_NAME.matcher(NAME).matches()) {
                throw new IllegalStateException("PARLEY_TEST_DB must match " + DATABASE_NAME + ": " + NAME);
            }
            try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD)) {
                if (exists(admin)) {
                    return;
                }
                try (Statement create = admin.createStatement()) {
                    create.execute("CREATE DATABASE " + NAME);
                } catch (SQLException e) {
                    // Another JVM creating it at the same moment is fine (duplicate_database, or the
                    // unique_violation of pg_database when both got past the check); anything else is not.
                    if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach or create the test database " + NAME + " at "
                        + HOST + ":" + PORT + " as " + USER + " (set PARLEY_DB_HOST, PARLEY_DB_PORT, "
                        + "PARLEY_DB_USER, PARLEY_DB_PASSWORD)", e);
            }
        }

        /**
         * Whether values in the database were sealed with keysets no longer on this machine (their temporary
         * directory was wiped): no test could read them, so the database is of no use any more.
         */
        private static boolean holdsValuesOfLostKeysets() {
            byte[] ours = io.parley.persistence.encryption.FieldKeysets.prefixOf(TestKeys.encryption().primaryKeyId());
            try (Connection db = DriverManager.getConnection(jdbcUrl(NAME), USER, PASSWORD);
                 Statement query = db.createStatement();
                 ResultSet sealed = query.executeQuery("""
                         SELECT 1 FROM information_schema.columns
                          WHERE table_schema = current_schema() AND table_name = 'events' AND column_name = 'text'
                            AND data_type = 'bytea'""")) {
                if (!sealed.next()) {
                    return false; // a new database, or one from before encryption at rest: V13 seals it
                }
                try (PreparedStatement foreign = db.prepareStatement("""
                        SELECT EXISTS (SELECT 1 FROM events WHERE text IS NOT NULL AND substring(text from 1 for 5) <> ?)
                            OR EXISTS (SELECT 1 FROM visitors
                                        WHERE ip_address IS NOT NULL AND substring(ip_address from 1 for 5) <> ?)""")) {
                    foreign.setBytes(1, ours);
                    foreign.setBytes(2, ours);
                    try (ResultSet found = foreign.executeQuery()) {
                        found.next();
                        return found.getBoolean(1);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot inspect the test database " + NAME, e);
            }
        }

        private static void recreateDatabase() {
            System.err.println("TestDatabase: " + NAME + " holds values sealed with keysets that are gone (a wiped "
                    + "temporary directory); dropping and creating it again");
            try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
                 Statement drop = admin.createStatement()) {
                drop.execute("DROP DATABASE " + NAME + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop the test database " + NAME, e);
            }
            createDatabaseIfMissing();
        }

        private static boolean exists(Connection admin) throws SQLException {
            try (PreparedStatement query = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, NAME);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next();
                }
            }
        }
    }
}
