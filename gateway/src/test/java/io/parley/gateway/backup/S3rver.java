package io.parley.gateway.backup;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server on the loopback: s3rver (npm), installed into {@code target/s3rver} with
 * the machine's npm on first use, storing into a temporary directory. It checks SigV4 signatures made
 * with its fixed credentials {@code S3RVER} / {@code S3RVER}.
 */
final class S3rver implements AutoCloseable {
    static final String VERSION = "3.7.1";
    static final String ACCESS_KEY = "S3RVER";
    static final String SECRET_KEY = "S3RVER";
    private static final Path INSTALL = Path.of("target", "s3rver");

    private final Process process;
    private final int port;

    private S3rver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one with {@code bucket} created. */
    static S3rver start(Path data, String bucket) {
        Path program = install();
        int port = freePort();
        try {
            Process process = new ProcessBuilder(program.toString(), "--directory", data.toString(), "--address", "127.0.0.1",
                    "--port", Integer.toString(port), "--silent", "--configure-bucket", bucket)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            S3rver server = new S3rver(process, port);
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || server.answers());
            if (!process.isAlive()) {
                throw new IllegalStateException("s3rver exited with " + process.exitValue());
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static synchronized Path install() {
        Path program = INSTALL.resolve("node_modules").resolve(".bin").resolve("s3rver");
        if (Files.isExecutable(program)) {
            return program;
        }
        try {
            Files.createDirectories(INSTALL);
            Process npm = new ProcessBuilder(List.of("npm", "install", "--prefix", INSTALL.toString(), "--no-audit",
                    "--no-fund", "--no-save", "s3rver@" + VERSION))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install s3rver@" + VERSION + " failed (Node.js and npm are needed"
                        + " for the S3 tests)");
            }
            return program;
        } catch (IOException e) {
            throw new UncheckedIOException("npm cannot be run (Node.js and npm are needed for the S3 tests)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
