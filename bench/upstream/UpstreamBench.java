import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Gateway overhead on an upstream model's stream: time to first token and the gap between tokens, for N
 * concurrent streams, measured side by side in one run against one fake OpenAI-compatible server:
 * "direct" clients read the fake's SSE stream themselves; "gateway" clients are visitors on
 * /ws/visitor whose openai bot reads the same fake. Overhead = gateway - direct, per percentile.
 * Everything runs on loopback and stops by itself. See bench/upstream/run.
 */
public final class UpstreamBench {
    static final String BOT = "b_bench_upstream";
    static final String KEY = "pk_bench_upstream";

    /** {@code machine}: where the machine's CPU went while the gateway's visitors asked ({@link CpuUse#NONE} for the direct path). */
    record Samples(List<Long> firstToken, List<Long> gaps, int failed, int replies, CpuUse machine) {
    }

    /** A reported level: its replies through the gateway and where the machine's CPU went meanwhile. */
    record Level(int streams, int replies, CpuUse machine) {
    }

    /**
     * CPU time in nanoseconds of the gateway, of this process (the visitors' clients and the fake upstream while
     * the visitors ask), of Redis and of PostgreSQL (all their processes), and of the whole machine (busy and
     * idle, all cores), over {@code wallNanos}; from /proc (Linux; zeros elsewhere).
     */
    record CpuUse(long gateway, long bench, long redis, long postgres, long machineBusy, long machineIdle, long wallNanos) {
        static final CpuUse NONE = new CpuUse(0, 0, 0, 0, 0, 0, 0);

        static CpuUse now() {
            long[] machine = machineCpuNanos();
            return new CpuUse(processCpuNanos(gatewayPid), processCpuNanos(ProcessHandle.current().pid()),
                    commandCpuNanos("redis-server"), commandCpuNanos("postgres"), machine[0], machine[1], System.nanoTime());
        }

        CpuUse since(CpuUse before) {
            return new CpuUse(gateway - before.gateway, bench - before.bench, redis - before.redis,
                    postgres - before.postgres, machineBusy - before.machineBusy, machineIdle - before.machineIdle,
                    wallNanos - before.wallNanos);
        }

        CpuUse plus(CpuUse other) {
            return new CpuUse(gateway + other.gateway, bench + other.bench, redis + other.redis,
                    postgres + other.postgres, machineBusy + other.machineBusy, machineIdle + other.machineIdle,
                    wallNanos + other.wallNanos);
        }

        /** Cores busy on average over the wall time, e.g. "1.23". */
        String cores(long nanos) {
            return wallNanos == 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) nanos / wallNanos);
        }

        String row(int streams, int replies) {
            long others = Math.max(0, machineBusy - gateway - bench - redis - postgres);
            String perSecond = wallNanos == 0 ? "" : String.format(Locale.ROOT, "%.0f", replies * 1e9 / wallNanos);
            return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s of %s |", streams, perSecond,
                    cores(gateway), cores(bench), cores(redis), cores(postgres), cores(others), cores(machineBusy),
                    cores(machineBusy + machineIdle));
        }

        /** Whether the machine had no CPU to spare: 90 % of its cores busy or more. */
        boolean saturated() {
            return machineBusy >= 0.9 * (machineBusy + machineIdle) && machineBusy > 0;
        }
    }

    enum Mode {
        /** Every stream's question at the same instant: N requests arrive in one millisecond. */
        BURST,
        /**
         * N streams at all times: stream i asks its first question at i/N of a reply's length, then the next
         * as soon as its reply ends; only the questions after the first are measured, once N run at once.
         */
        STEADY;

        String description(int questions, Duration replyLength) {
            return this == BURST
                    ? "**burst**: all streams ask at the same instant"
                    : "**steady**: N streams at all times; each asks " + questions + " questions in a row, the first spread over "
                            + replyLength.toMillis() + " ms (one reply); the first question of each is not measured";
        }
    }

    /** How the N streams ask: {@code questions} in a row each, the i-th stream starting i/N of {@code spread} late. */
    record Load(Mode mode, int streams, int questions, Duration spread) {
        Duration startOf(int stream) {
            return mode == Mode.BURST ? Duration.ZERO : spread.multipliedBy(stream).dividedBy(streams);
        }

        boolean measured(int question) {
            return mode == Mode.BURST || question > 0;
        }
    }

    private static final int WARM_UP_STREAMS = Integer.getInteger("bench.warmUpStreams", 200);
    private static final int WARM_UP_QUESTIONS = Integer.getInteger("bench.warmUpQuestions", 10);
    private static final int WARM_UP_MIN_ROUNDS = 3;
    private static final int WARM_UP_MAX_ROUNDS = Integer.getInteger("bench.warmUpRounds", 8);

    public static void main(String[] args) throws Exception {
        List<Integer> levels = new ArrayList<>();
        for (String level : System.getProperty("bench.streams", "100,1000").split(",")) {
            levels.add(Integer.parseInt(level.strip()));
        }
        int tokens = Integer.getInteger("bench.tokens", 20);
        int firstTokenMs = Integer.getInteger("bench.firstTokenMs", 50);
        int gapMs = Integer.getInteger("bench.gapMs", 50);
        int rounds = Integer.getInteger("bench.rounds", 2);
        List<Mode> modes = new ArrayList<>();
        for (String mode : System.getProperty("bench.modes", "burst,steady").split(",")) {
            modes.add(Mode.valueOf(mode.strip().toUpperCase(Locale.ROOT)));
        }
        int questions = Integer.getInteger("bench.questions", 4);
        // one reply lasts this long at the fake's pace; steady streams start spread over it
        Duration replyLength = Duration.ofMillis(firstTokenMs + (long) (tokens - 1) * gapMs);
        String jar = System.getProperty("bench.jar", "gateway/target/parley-gateway.jar");

        DisposableServer upstream = fakeUpstream(tokens, firstTokenMs, gapMs);
        String upstreamUrl = "http://127.0.0.1:" + upstream.port() + "/v1";
        int https = freePort();
        Process gateway = startGateway(jar, https);
        gatewayPid = gateway.pid();
        try {
            SslContext trust = SslContextBuilder.forClient().trustManager(new File(".dev/tls/cert.pem")).build();
            awaitReady(trust, https); // the gateway migrates the database and seeds the demo workspace first
            registerBot(upstreamUrl, "https://localhost:" + https);
            System.out.printf(Locale.ROOT, "fake upstream: %d tokens, first after %d ms, then every %d ms; %d rounds each%n",
                    tokens, firstTokenMs, gapMs, rounds);
            // warm-up of both paths, not reported: enough messages for the JIT to compile the hot paths first
            run(3, new Load(Mode.BURST, 50, 1, replyLength), upstreamUrl, trust, https, false);
            // and in steady state until the gateway's CPU per reply stops falling: on two cores the JIT compiler
            // takes a large share of the CPU for minutes after start, which a node that has run a while no longer pays
            run(1, new Load(Mode.STEADY, WARM_UP_STREAMS, WARM_UP_QUESTIONS, replyLength), upstreamUrl, trust, https, false);
            List<String> warmUp = new ArrayList<>();
            double previous = Double.MAX_VALUE;
            for (int round = 0; round < WARM_UP_MAX_ROUNDS; round++) {
                Samples g = viaGateway(new Load(Mode.STEADY, WARM_UP_STREAMS, WARM_UP_QUESTIONS, replyLength), trust, https);
                double perReply = g.machine().gateway() / 1e6 / Math.max(1, g.replies());
                warmUp.add(String.format(Locale.ROOT, "%.2f", perReply));
                if (round >= WARM_UP_MIN_ROUNDS - 1 && perReply > previous * 0.9) {
                    break;
                }
                previous = perReply;
            }
            System.out.printf(Locale.ROOT, "warm-up: %d streams, %d questions each, at least %d rounds, until the gateway's CPU per reply"
                    + " fell by less than 10 %%: %s ms%n", WARM_UP_STREAMS, WARM_UP_QUESTIONS, WARM_UP_MIN_ROUNDS, String.join(", ", warmUp));
            for (Mode mode : modes) {
                System.out.println();
                System.out.println(mode.description(questions, replyLength));
                System.out.println();
                System.out.println("| streams | path | first token p50 | p99 | gap p50 | p99 | failed | gateway CPU per reply |");
                System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
                List<Level> measured = new ArrayList<>();
                for (int streams : levels) {
                    measured.add(run(rounds, new Load(mode, streams, mode == Mode.BURST ? 1 : questions, replyLength),
                            upstreamUrl, trust, https, true));
                }
                System.out.println();
                System.out.println("where the machine's CPU went while the visitors asked (cores busy on average; the bench process is"
                        + " the visitors' clients and the fake upstream):");
                System.out.println();
                System.out.println("| streams | replies/s | gateway | bench process | Redis | PostgreSQL | everything else | machine busy |");
                System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
                measured.forEach(level -> System.out.println(level.machine().row(level.streams(), level.replies())));
                List<Integer> saturatedLevels = measured.stream().filter(level -> level.machine().saturated())
                        .map(Level::streams).toList();
                if (!saturatedLevels.isEmpty()) {
                    System.out.println();
                    System.out.println("The machine was saturated (90 % of its cores busy or more) at " + saturatedLevels
                            + " streams: there the overhead is mostly the wait for a core, which says how much this machine"
                            + " carries, not what the gateway adds on a node with cores to spare.");
                }
            }
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
            upstream.disposeNow();
        }
    }

    private static Level run(int rounds, Load load, String upstreamUrl, SslContext trust, int https, boolean report) {
        Samples direct = new Samples(new ArrayList<>(), new ArrayList<>(), 0, 0, CpuUse.NONE);
        Samples viaGateway = new Samples(new ArrayList<>(), new ArrayList<>(), 0, 0, CpuUse.NONE);
        int directFailed = 0;
        int gatewayFailed = 0;
        int gatewayReplies = 0;
        CpuUse machine = CpuUse.NONE;
        for (int round = 0; round < rounds; round++) {
            // alternate which path goes first, so drift of the shared machine does not favour one
            Samples d;
            Samples g;
            if (round % 2 == 0) {
                d = direct(load, upstreamUrl);
                g = viaGateway(load, trust, https);
            } else {
                g = viaGateway(load, trust, https);
                d = direct(load, upstreamUrl);
            }
            direct.firstToken().addAll(d.firstToken());
            direct.gaps().addAll(d.gaps());
            directFailed += d.failed();
            viaGateway.firstToken().addAll(g.firstToken());
            viaGateway.gaps().addAll(g.gaps());
            gatewayFailed += g.failed();
            gatewayReplies += g.replies();
            machine = machine.plus(g.machine());
        }
        if (report) {
            int streams = load.streams();
            row(streams, "direct", direct, directFailed, "");
            row(streams, "gateway", viaGateway, gatewayFailed,
                    gatewayReplies == 0 ? "" : ms(machine.gateway() / gatewayReplies));
            System.out.printf(Locale.ROOT, "| %d | **overhead** | **%s** | **%s** | **%s** | **%s** | | |%n", streams,
                    ms(p(viaGateway.firstToken(), 50) - p(direct.firstToken(), 50)),
                    ms(p(viaGateway.firstToken(), 99) - p(direct.firstToken(), 99)),
                    ms(p(viaGateway.gaps(), 50) - p(direct.gaps(), 50)),
                    ms(p(viaGateway.gaps(), 99) - p(direct.gaps(), 99)));
        }
        return new Level(load.streams(), gatewayReplies, machine);
    }

    private static void row(int streams, String path, Samples samples, int failed, String cpuPerReply) {
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %d | %s |%n", streams, path,
                ms(p(samples.firstToken(), 50)), ms(p(samples.firstToken(), 99)), ms(p(samples.gaps(), 50)),
                ms(p(samples.gaps(), 99)), failed, cpuPerReply);
    }

    private static volatile long gatewayPid;

    /** A process's user and system CPU time so far, from /proc (Linux; 0 elsewhere or once it has ended). */
    private static long processCpuNanos(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The CPU time so far of every running process whose command is {@code command} (e.g. all of PostgreSQL's). */
    private static long commandCpuNanos(String command) {
        return ProcessHandle.allProcesses()
                .filter(process -> {
                    try {
                        return command.equals(java.nio.file.Files.readString(
                                java.nio.file.Path.of("/proc/" + process.pid() + "/comm")).strip());
                    } catch (java.io.IOException | RuntimeException e) {
                        return false;
                    }
                })
                .mapToLong(process -> processCpuNanos(process.pid()))
                .sum();
    }

    /** The whole machine's busy and idle CPU time so far, all cores, from the first line of /proc/stat. */
    private static long[] machineCpuNanos() {
        try {
            String[] fields = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).strip().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[field]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {busy * 1_000_000_000L / CLOCK_TICKS_PER_SECOND, idle * 1_000_000_000L / CLOCK_TICKS_PER_SECOND};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Linux's USER_HZ, which /proc/PID/stat counts in (100 on every mainstream kernel). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** N clients posting to the fake themselves, each its questions one after the other. */
    private static Samples direct(Load load, String upstreamUrl) {
        int streams = load.streams();
        ConnectionProvider pool = ConnectionProvider.builder("direct").maxConnections(streams + 10)
                .pendingAcquireMaxCount(-1).build();
        HttpClient client = HttpClient.create(pool);
        ConcurrentLinkedQueue<Long> first = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
        String body = "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long failed = Flux.range(0, streams)
                .flatMap(i -> Mono.delay(load.startOf(i)).thenMany(Flux.range(0, load.questions())).concatMap(question -> Mono.defer(() -> {
                    boolean measured = load.measured(question);
                    long start = System.nanoTime();
                    long[] last = {0};
                    return client.headers(h -> h.set("Content-Type", "application/json").set("Authorization", "Bearer bench"))
                            .post().uri(upstreamUrl + "/chat/completions")
                            .send((request, out) -> out.sendString(Mono.just(body)))
                            .response((response, content) -> content.asString(StandardCharsets.UTF_8))
                            .doOnNext(chunk -> {
                                long now = System.nanoTime();
                                int events = count(chunk, "\"content\"");
                                for (int e = 0; e < events; e++) {
                                    if (measured && last[0] == 0) {
                                        first.add(now - start);
                                    } else if (measured) {
                                        gaps.add(now - last[0]);
                                    }
                                    last[0] = now;
                                }
                            })
                            .then(Mono.fromCallable(() -> last[0] == 0 ? 1 : 0))
                            .timeout(Duration.ofSeconds(60))
                            .onErrorReturn(1);
                })), streams)
                .reduce(0, Integer::sum)
                .block(Duration.ofMinutes(5));
        pool.disposeLater().block(Duration.ofSeconds(10));
        return new Samples(new ArrayList<>(first), new ArrayList<>(gaps), (int) failed, 0, CpuUse.NONE);
    }

    /**
     * N visitors connected and welcomed first; then each asks its questions, the next as soon as the reply
     * to the previous has ended, and reads the streamed replies.
     */
    private static Samples viaGateway(Load load, SslContext trust, int https) {
        int streams = load.streams();
        ConnectionProvider pool = ConnectionProvider.builder("visitors").maxConnections(streams + 10)
                .pendingAcquireMaxCount(-1).build();
        HttpClient client = HttpClient.create(pool).secure(spec -> spec.sslContext(trust));
        Sinks.One<Boolean> go = Sinks.one();
        Sinks.Many<Boolean> ready = Sinks.many().unicast().onBackpressureBuffer();
        ConcurrentLinkedQueue<Long> first = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
        Mono<Integer> all = Flux.range(0, streams)
                .flatMap(i -> client.websocket(WebsocketClientSpec.builder().protocols("parley.v1").build())
                        .uri("wss://localhost:" + https + "/ws/visitor?key=" + KEY)
                        .handle((in, out) -> {
                            long[] sent = {0};
                            long[] last = {0};
                            int[] question = {0};
                            int[] failures = {0};
                            Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
                            Sinks.One<Integer> done = Sinks.one();
                            Runnable ask = () -> {
                                last[0] = 0;
                                sent[0] = System.nanoTime();
                                outgoing.tryEmitNext("{\"type\":\"message\",\"clientMsgId\":\"b" + i + "-" + question[0]
                                        + "\",\"text\":\"How do I embed the widget?\"}");
                            };
                            outgoing.tryEmitNext("{\"type\":\"hello\"}");
                            // frames of one connection arrive one at a time; the first question is asked from a timer
                            // thread before any reply frame can arrive, the others from the reading thread
                            Mono<Void> reading = in.receive().asString().doOnNext(frame -> {
                                long now = System.nanoTime();
                                if (frame.contains("\"type\":\"welcome\"")) {
                                    ready.emitNext(true, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                                } else if (frame.contains("\"type\":\"reply.delta\"")) {
                                    if (load.measured(question[0]) && last[0] == 0) {
                                        first.add(now - sent[0]);
                                    } else if (load.measured(question[0])) {
                                        gaps.add(now - last[0]);
                                    }
                                    last[0] = now;
                                } else if (frame.contains("\"type\":\"reply.end\"")) {
                                    if (!frame.contains("\"finish\":\"stop\"") || last[0] == 0) {
                                        failures[0]++;
                                    }
                                    if (++question[0] < load.questions()) {
                                        ask.run();
                                    } else {
                                        done.tryEmitValue(failures[0]);
                                    }
                                }
                            }).then();
                            Disposable firstQuestion = go.asMono().delayElement(load.startOf(i)).subscribe(g -> ask.run());
                            Mono<Void> writing = out.sendString(outgoing.asFlux().takeUntilOther(done.asMono())).then();
                            return Mono.when(writing, reading.takeUntilOther(done.asMono())).then(done.asMono())
                                    .doFinally(signal -> firstQuestion.dispose());
                        })
                        .next()
                        .timeout(Duration.ofSeconds(90))
                        .onErrorReturn(load.questions()), streams)
                .reduce(0, Integer::sum)
                .cache();
        all.subscribe();
        ready.asFlux().take(streams).timeout(Duration.ofSeconds(60)).onErrorResume(e -> Flux.empty()).blockLast();
        CpuUse before = CpuUse.now();
        go.tryEmitValue(true);
        int failed = all.block(Duration.ofMinutes(5));
        CpuUse machine = CpuUse.now().since(before);
        pool.disposeLater().block(Duration.ofSeconds(10));
        return new Samples(new ArrayList<>(first), new ArrayList<>(gaps), failed, streams * load.questions(), machine);
    }

    /** A fake OpenAI-compatible server: one SSE stream per request, fixed timing, then [DONE]. */
    private static DisposableServer fakeUpstream(int tokens, int firstTokenMs, int gapMs) {
        return HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/v1/chat/completions", (request, response) -> request.receive().then()
                        .then(response.header("Content-Type", "text/event-stream")
                                .sendString(Flux.concat(
                                        Flux.interval(Duration.ofMillis(firstTokenMs), Duration.ofMillis(gapMs))
                                                .take(tokens)
                                                .map(n -> "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok"
                                                        + n + " \"}}]}\n\n"),
                                        Mono.just("data: [DONE]\n\n")))
                                .then())))
                .bindNow(Duration.ofSeconds(10));
    }

    /**
     * Message limits as a real bot has them (20 per visitor per 10 s; per key and address raised to a million
     * a minute, as every bench visitor comes from 127.0.0.1), so each message is checked in Redis; new
     * connections unlimited. It gets a copy of the demo bot's knowledge entries, so that the search for each
     * prompt finds and ranks some.
     * {@code origin}: what Netty's WebSocket client sends as Origin (from the URI). No upstream API key: the
     * fake needs none, and a stored one is sealed with the keyset (the gateway's own API stores it so).
     */
    private static void registerBot(String upstreamUrl, String origin) throws Exception {
        String url = "jdbc:postgresql://" + env("PARLEY_DB_HOST", "127.0.0.1") + ":" + env("PARLEY_DB_PORT", "5432") + "/"
                + env("PARLEY_DB_NAME", "parley");
        try (Connection db = DriverManager.getConnection(url, env("PARLEY_DB_USER", "postgres"), env("PARLEY_DB_PASSWORD", ""))) {
            try (PreparedStatement bot = db.prepareStatement("""
                    INSERT INTO bots (id, workspace_id, name, greeting, responder, openai_base_url, openai_model,
                                      openai_api_key, messages_per_visitor_permits, messages_per_key_ip_permits,
                                      connections_per_key_ip_permits, allow_native_clients, allowed_origins)
                    VALUES (?, 'w_demo', 'Upstream bench', 'Hi', 'openai', ?, 'bench-model', NULL, 20, 1000000, 0, true,
                            ARRAY[?])
                    ON CONFLICT (id) DO UPDATE SET openai_base_url = EXCLUDED.openai_base_url, archived_at = NULL,
                        openai_api_key = NULL,
                        messages_per_visitor_permits = EXCLUDED.messages_per_visitor_permits,
                        messages_per_key_ip_permits = EXCLUDED.messages_per_key_ip_permits,
                        allowed_origins = EXCLUDED.allowed_origins""")) {
                bot.setString(1, BOT);
                bot.setString(2, upstreamUrl);
                bot.setString(3, origin);
                bot.executeUpdate();
            }
            try (PreparedStatement key = db.prepareStatement(
                    "INSERT INTO widget_keys (key, bot_id) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET enabled = true")) {
                key.setString(1, KEY);
                key.setString(2, BOT);
                key.executeUpdate();
            }
            // the demo bot's knowledge entries, so that every question's prompt search finds and ranks some
            try (PreparedStatement knowledge = db.prepareStatement("""
                    INSERT INTO knowledge_entries (id, bot_id, title, body)
                    SELECT 'bench_' || id, ?, title, body FROM knowledge_entries WHERE bot_id = 'b_parley_demo'
                    ON CONFLICT (id) DO NOTHING""")) {
                knowledge.setString(1, BOT);
                knowledge.executeUpdate();
            }
        }
    }

    private static Process startGateway(String jar, int https) throws Exception {
        // -Dbench.gatewayJava=<path to bin/java> runs the gateway on another Java runtime than the benchmark's
        List<String> command = new ArrayList<>(List.of(System.getProperty("bench.gatewayJava", "java"), "-Xms1g", "-Xmx1g"));
        String javaOptions = System.getenv().getOrDefault("BENCH_GATEWAY_JAVA_OPTS", "");
        if (!javaOptions.isBlank()) {
            Collections.addAll(command, javaOptions.strip().split("\\s+"));
        }
        command.addAll(List.of("-jar", jar,
                "--spring.profiles.active=dev", "--server.port=" + https,
                "--parley.http.redirect-port=" + freePort(), "--management.server.port=" + freePort(),
                "--logging.level.root=WARN",
                // the bulkhead's default (200 streams) would send most of 1,000 streams to the fallback
                "--parley.upstream.max-concurrent-streams=5000"));
        String extra = System.getenv().getOrDefault("BENCH_GATEWAY_ARGS", "");
        if (!extra.isBlank()) {
            Collections.addAll(command, extra.strip().split("\\s+"));
        }
        File log = new File("target/bench-upstream-gateway.log");
        log.getParentFile().mkdirs();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void awaitReady(SslContext trust, int https) throws InterruptedException {
        HttpClient client = HttpClient.create().secure(spec -> spec.sslContext(trust));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Integer status = client.get().uri("https://localhost:" + https + "/.well-known/security.txt")
                    .response().map(response -> response.status().code())
                    .timeout(Duration.ofSeconds(2)).onErrorReturn(0).block();
            if (status != null && status == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the gateway did not start; see target/bench-upstream-gateway.log");
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private static long p(List<Long> values, double percentile) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1_000_000.0);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
