import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import io.parley.core.port.AuthThrottle.Verdict;
import io.parley.persistence.redis.RedisAdapters;
import io.parley.persistence.redis.ThrottleFallbackListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;

/**
 * Throttle decisions per second through RedisAuthThrottle (the gateway's own code) against a private
 * redis-server on loopback, and redis-benchmark running the same EVALSHA against the same server, in
 * one run, alternating. Run it with bench/throttle/run.
 */
public class ThrottleBench {
    static final int SUBJECTS = 10_000;
    static final int IN_FLIGHT = 50;

    public static void main(String[] args) throws Exception {
        int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int port = freePort();
        Path dir = Files.createTempDirectory("parley-bench-redis");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::destroy));
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        RedisClient adminClient = RedisClient.create(RedisURI.create("127.0.0.1", port));
        AtomicLong sent = new AtomicLong();
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                sent.incrementAndGet();
            }
        });
        try {
            StatefulRedisConnection<String, String> admin = connect(adminClient);
            RedisAdapters adapters = new RedisAdapters(client, "bench:");
            // every decision admitted and counted (the longest path of the script: ZADD + PEXPIRE)
            Map<AttemptKind, Limit> byKind = new EnumMap<>(AttemptKind.class);
            for (AttemptKind kind : AttemptKind.values()) {
                byKind.put(kind, Limit.perWindow(1_000_000_000, Duration.ofMinutes(1)));
            }
            AuthThrottle throttle = adapters.authThrottle(new Limits(byKind, Duration.ofDays(1)),
                    new ThrottleFallbackListener() {
                        @Override
                        public void decidedLocally(AttemptKind kind) {
                            throw new IllegalStateException("a decision fell back to local: the figure would be void");
                        }
                    });
            String sha = sha1(resource("/io/parley/persistence/redis/auth-throttle.lua"));

            System.out.printf("redis-server %s on 127.0.0.1:%d; %d decisions a round, %d subjects, %d in flight%n",
                    admin.sync().info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                            .orElse("?").substring(14), port, decisions, SUBJECTS, IN_FLIGHT);
            run(throttle, decisions); // warm-up: JIT, connection, SCRIPT LOAD
            List<Double> ours = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long evalshaBefore = evalshaCalls(admin);
                long sentBefore = sent.get();
                double perSecond = run(throttle, decisions);
                long evalsha = evalshaCalls(admin) - evalshaBefore;
                long commands = sent.get() - sentBefore;
                ours.add(perSecond);
                System.out.printf("round %d  RedisAuthThrottle: %,10.0f decisions/s  (commands sent per decision: %.3f;"
                        + " EVALSHA run by Redis per decision: %.3f)%n",
                        round, perSecond, (double) commands / decisions, (double) evalsha / decisions);
                double rawPerSecond = redisBenchmark(port, sha, decisions);
                raw.add(rawPerSecond);
                System.out.printf("round %d  redis-benchmark:   %,10.0f EVALSHA/s%n", round, rawPerSecond);
            }
            double bestOurs = ours.stream().mapToDouble(d -> d).max().orElseThrow();
            double bestRaw = raw.stream().mapToDouble(d -> d).max().orElseThrow();
            double medianOurs = median(ours);
            double medianRaw = median(raw);
            System.out.printf("median: %,.0f decisions/s vs %,.0f raw EVALSHA/s = %.2f of raw Redis%n",
                    medianOurs, medianRaw, medianOurs / medianRaw);
            System.out.printf("best:   %,.0f decisions/s vs %,.0f raw EVALSHA/s = %.2f of raw Redis%n",
                    bestOurs, bestRaw, bestOurs / bestRaw);
            admin.close();
            adapters.close();
        } finally {
            client.shutdown();
            adminClient.shutdown();
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static double run(AuthThrottle throttle, int decisions) {
        long start = System.nanoTime();
        Long admitted = Flux.range(0, decisions)
                .flatMap(i -> throttle.attempt(AttemptKind.MAGIC_LINK_REQUEST_PER_ADDRESS, "10.0." + (i % SUBJECTS)), IN_FLIGHT)
                .filter(Verdict::allowed)
                .count()
                .block(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (admitted == null || admitted != decisions) {
            throw new IllegalStateException("expected every decision admitted, got " + admitted);
        }
        return decisions / seconds;
    }

    /** The same script, the same argument shapes, 50 clients with one call in flight each (its default). */
    static double redisBenchmark(int port, String sha, int requests) throws IOException, InterruptedException {
        String tag = "bench:{auth:magic_link_request_per_address:__rand_int__}";
        List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-n", Integer.toString(requests), "-c", Integer.toString(IN_FLIGHT), "-r", Integer.toString(SUBJECTS), "--csv",
                "EVALSHA", sha, "3", tag + ":w", tag + ":lock", tag + ":n",
                "attempt", "1000000000", "60000", "0", "0", "86400000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("redis-benchmark failed: " + lines);
        }
        // "test","rps","avg_latency_ms",... then "EVALSHA ...","41152.26",...
        for (String line : lines) {
            String[] fields = line.split("\",\"");
            if (fields.length > 1 && fields[0].startsWith("\"EVALSHA")) {
                return Double.parseDouble(fields[1]);
            }
        }
        throw new IllegalStateException("no figure in redis-benchmark's output: " + lines);
    }

    static long evalshaCalls(StatefulRedisConnection<String, String> admin) {
        return admin.sync().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_evalsha:"))
                .map(l -> Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(','))))
                .findFirst().orElse(0L);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static StatefulRedisConnection<String, String> connect(RedisClient client) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return client.connect();
            } catch (RuntimeException notYet) {
                if (attempt > 100) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ThrottleBench.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("not on the classpath: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String sha1(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
