package io.parley.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.parley.gateway.ParleyApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway node in a JVM of its own, with the test settings and the database, Redis and keys of the
 * test's node, so that a test can kill it as a crash would (SIGKILL: no shutdown hook, no drain). Its
 * output goes to {@code target/node-<port>.log}.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int httpsPort;
    private final Path log;

    private NodeProcess(Process process, int httpsPort, Path log) {
        this.process = process;
        this.httpsPort = httpsPort;
        this.log = log;
    }

    /** Starts a node and waits (up to 60 s) until it takes connections. */
    public static NodeProcess start(Map<String, String> extra) {
        int port = freePort();
        Map<String, String> properties = new HashMap<>(TestBackends.properties());
        properties.put("spring.ssl.bundle.pem.server.keystore.certificate",
                GatewayIntegrationTest.CERTIFICATE.certificate().toString());
        properties.put("spring.ssl.bundle.pem.server.keystore.private-key",
                GatewayIntegrationTest.CERTIFICATE.privateKey().toString());
        properties.put("server.port", Integer.toString(port));
        properties.put("spring.profiles.active", "test");
        properties.putAll(extra);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                ParleyApplication.class.getName()));
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        Path log = Path.of("target", "node-" + port + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            NodeProcess node = new NodeProcess(process, port, log);
            node.awaitListening();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** Kills the node at once, as a crash would (SIGKILL), and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("node on port " + httpsPort + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitListening() {
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node on port " + httpsPort + " exited: " + tail());
                }
                return listening();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("node on port " + httpsPort + " did not start within " + START_TIMEOUT
                    + ": " + tail(), e);
        }
    }

    private boolean listening() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", httpsPort), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
