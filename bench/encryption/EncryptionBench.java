import io.parley.core.engine.RandomIds;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.MessageLog;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import io.parley.persistence.postgres.DatabaseMigrations;
import io.parley.persistence.postgres.DemoWorkspace;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.r2dbc.pool.ConnectionPool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Message write and read throughput through Parley's own PostgreSQL adapters (PostgresAdapters:
 * messageLog().appendClientMessage and read) with encryption at rest on (Tink AES256-GCM, the
 * application's code path) against off (values stored as they are, FieldEncryption's benchmark-only
 * baseline), in one run: each round writes and reads the same number of messages both ways, in slices
 * that alternate between them. Run it with bench/encryption/run.
 */
public class EncryptionBench {
    static final int CONVERSATIONS = 64;
    static final int IN_FLIGHT = 16;
    static final int TEXT_CHARS = 300;
    static final int SLICES = 10;
    static final int READ_PASSES = 20;
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    record Figures(double writesPerSecond, double readsPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        String host = env("PARLEY_DB_HOST", "127.0.0.1");
        String port = env("PARLEY_DB_PORT", "5432");
        String user = env("PARLEY_DB_USER", "postgres");
        String password = env("PARLEY_DB_PASSWORD", "");
        String database = env("BENCH_DB", "parley_bench_encryption");
        createDatabaseIfMissing(host, port, user, password, database);

        FieldEncryption on = FieldEncryption.of(FieldKeysets.newFieldKeyset(), FieldKeysets.newBlindIndexKeyset());
        FieldEncryption off = FieldEncryption.unencryptedBaselineForBenchmarks();
        DatabaseMigrations.migrate("jdbc:postgresql://" + host + ":" + port + "/" + database, user, password, on);
        ConnectionPool pool = PostgresConnections.pool("r2dbc:postgresql://" + host + ":" + port + "/" + database, user,
                password, IN_FLIGHT);
        try {
            DemoWorkspace.seed(pool).block(TIMEOUT);
            PostgresAdapters encrypted = new PostgresAdapters(pool, Clock.system(), new RandomIds(), on);
            PostgresAdapters plain = new PostgresAdapters(pool, Clock.system(), new RandomIds(), off);
            System.out.printf("database %s on %s:%s; %,d messages of %d characters a round over %d conversations, "
                    + "%d in flight; %d rounds%n", database, host, port, messages, TEXT_CHARS, CONVERSATIONS, IN_FLIGHT,
                    rounds);
            // warm-up, two rounds: JIT (Tink's AES-GCM path included), connections, PostgreSQL's caches
            round(encrypted, plain, messages, 0);
            round(encrypted, plain, messages, 1);
            List<Figures> onFigures = new ArrayList<>();
            List<Figures> offFigures = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                Figures[] figures = round(encrypted, plain, messages, round);
                onFigures.add(figures[0]);
                offFigures.add(figures[1]);
                System.out.printf("round %d  writes/s  on %,7.0f  off %,7.0f  (%.3f)    reads/s  on %,8.0f  off %,8.0f  "
                        + "(%.3f)%n", round, figures[0].writesPerSecond(), figures[1].writesPerSecond(),
                        figures[0].writesPerSecond() / figures[1].writesPerSecond(), figures[0].readsPerSecond(),
                        figures[1].readsPerSecond(), figures[0].readsPerSecond() / figures[1].readsPerSecond());
            }
            double writesOn = median(onFigures.stream().map(Figures::writesPerSecond).toList());
            double writesOff = median(offFigures.stream().map(Figures::writesPerSecond).toList());
            double readsOn = median(onFigures.stream().map(Figures::readsPerSecond).toList());
            double readsOff = median(offFigures.stream().map(Figures::readsPerSecond).toList());
            List<Double> writeRatios = new ArrayList<>();
            List<Double> readRatios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                writeRatios.add(onFigures.get(i).writesPerSecond() / offFigures.get(i).writesPerSecond());
                readRatios.add(onFigures.get(i).readsPerSecond() / offFigures.get(i).readsPerSecond());
            }
            System.out.printf("writes: median on %,.0f/s, off %,.0f/s; median of the rounds' on/off %.3f: encryption "
                    + "costs %.1f %%%n", writesOn, writesOff, median(writeRatios), 100 * (1 - median(writeRatios)));
            System.out.printf("reads:  median on %,.0f/s, off %,.0f/s; median of the rounds' on/off %.3f: encryption "
                    + "costs %.1f %%%n", readsOn, readsOff, median(readRatios), 100 * (1 - median(readRatios)));
            sealAndOpenAlone(on);
        } finally {
            pool.dispose();
        }
    }

    /** One side of a round: its conversations and the time it took. */
    static final class Side {
        final PostgresAdapters adapters;
        final List<ConversationId> conversations;
        long writeNanos;
        long written;
        long readNanos;
        long read;

        Side(PostgresAdapters adapters) {
            this.adapters = adapters;
            WorkspaceId workspace = new WorkspaceId(DemoWorkspace.WORKSPACE_ID);
            BotId bot = new BotId(DemoWorkspace.LOADTEST_BOT_ID);
            this.conversations = Flux.range(0, CONVERSATIONS)
                    .concatMap(i -> adapters.visitors().create(workspace)
                            .flatMap(visitor -> adapters.conversations().openFor(workspace, bot, visitor.id())))
                    .map(conversation -> conversation.id())
                    .collectList().block(TIMEOUT);
        }

        void write(int from, int count) {
            MessageLog log = adapters.messageLog();
            RandomIds ids = new RandomIds();
            String padding = "x".repeat(TEXT_CHARS);
            long start = System.nanoTime();
            Long done = Flux.range(from, count)
                    .flatMap(i -> log.appendClientMessage(conversations.get(i % CONVERSATIONS), ids.messageId(),
                            new Author(AuthorRole.VISITOR, "v_bench", "Visitor"), "b" + i,
                            ("message " + i + " " + padding).substring(0, TEXT_CHARS)), IN_FLIGHT)
                    .count().block(TIMEOUT);
            writeNanos += System.nanoTime() - start;
            written += Objects.requireNonNull(done);
        }

        /** Reads each conversation whole once. */
        void readAll() {
            long start = System.nanoTime();
            Long done = Flux.fromIterable(conversations)
                    .flatMap(id -> adapters.messageLog().read(id, 0, Long.MAX_VALUE, 100_000)
                            .map(event -> ((StoredEvent.Message) event).text().length()), IN_FLIGHT)
                    .count().block(TIMEOUT);
            readNanos += System.nanoTime() - start;
            read += Objects.requireNonNull(done);
        }

        Figures figures() {
            return new Figures(written / (writeNanos / 1e9), read / (readNanos / 1e9));
        }
    }

    /**
     * One round: {@code messages} written by each side, in slices that alternate between the sides (so a
     * burst of load on the machine hits both alike), then every conversation read whole {@link #READ_PASSES}
     * times, alternating likewise. Returns {on, off}.
     */
    static Figures[] round(PostgresAdapters encrypted, PostgresAdapters plain, int messages, int round) {
        Side on = new Side(encrypted);
        Side off = new Side(plain);
        int slice = messages / SLICES;
        for (int i = 0; i < SLICES; i++) {
            boolean onFirst = (round + i) % 2 == 0;
            (onFirst ? on : off).write(i * slice, slice);
            (onFirst ? off : on).write(i * slice, slice);
        }
        for (int i = 0; i < READ_PASSES; i++) {
            boolean onFirst = (round + i) % 2 == 0;
            (onFirst ? on : off).readAll();
            (onFirst ? off : on).readAll();
        }
        if (on.written != off.written || on.read != off.read || on.read != (long) READ_PASSES * on.written) {
            throw new IllegalStateException("wrote " + on.written + "/" + off.written + " and read " + on.read + "/"
                    + off.read + " messages");
        }
        return new Figures[] {on.figures(), off.figures()};
    }

    /** What one seal and one open of a message cost alone, on one thread. */
    static void sealAndOpenAlone(FieldEncryption on) throws Exception {
        byte[] text = "y".repeat(TEXT_CHARS).getBytes(StandardCharsets.UTF_8);
        byte[] associated = "parley\0events.text\0c_0123456789abcdef0123456789abcdef\u000042".getBytes(StandardCharsets.UTF_8);
        int n = 200_000;
        byte[] sealed = on.seal(text, associated);
        for (int i = 0; i < n; i++) {
            sealed = on.seal(text, associated);
            on.open(sealed, associated);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sealed = on.seal(text, associated);
        }
        double sealMicros = (System.nanoTime() - start) / 1e3 / n;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            on.open(sealed, associated);
        }
        double openMicros = (System.nanoTime() - start) / 1e3 / n;
        System.out.printf("alone (one thread): seal %.2f µs, open %.2f µs per %d-character message; ciphertext %d bytes%n",
                sealMicros, openMicros, TEXT_CHARS, sealed.length);
    }

    static void createDatabaseIfMissing(String host, String port, String user, String password, String database)
            throws Exception {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("BENCH_DB must be a plain lower-case name: " + database);
        }
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user,
                password); Statement sql = admin.createStatement()) {
            try (ResultSet exists = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (exists.next()) {
                    return;
                }
            }
            sql.execute("CREATE DATABASE " + database);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
