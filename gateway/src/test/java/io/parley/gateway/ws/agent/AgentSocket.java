package io.parley.gateway.ws.agent;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real wss:// client of {@code /ws/agent}, as the console (with its Origin) or a script (without)
 * connects. Each socket comes "through the loopback proxy" from an address of its own
 * (X-Forwarded-For), so hello failures of one test never count against another.
 */
final class AgentSocket implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CONSOLE_ORIGIN = "https://console.parley.test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closeStatus = new CompletableFuture<>();
    private final CompletableFuture<WebSocket> socket;
    private CompletableFuture<?> sending;

    private AgentSocket(TestCertificate trusted, int port, @Nullable String origin, String clientAddress) {
        WebSocket.Builder builder = HttpClient.newBuilder()
                .sslContext(trusting(trusted))
                .connectTimeout(WAIT)
                .build()
                .newWebSocketBuilder()
                .subprotocols("parley.v1")
                .header("X-Forwarded-For", clientAddress)
                .connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        socket = builder.buildAsync(URI.create("wss://localhost:" + port + "/ws/agent"), new Listener())
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        closeStatus.complete(new Closed(-1, failure.toString()));
                    }
                });
        sending = socket;
    }

    static AgentSocket open(TestCertificate trusted, int port) {
        return new AgentSocket(trusted, port, CONSOLE_ORIGIN, randomAddress());
    }

    static AgentSocket open(TestCertificate trusted, int port, @Nullable String origin, String clientAddress) {
        return new AgentSocket(trusted, port, origin, clientAddress);
    }

    /** A private IPv4 address nobody else uses in this run (almost surely). */
    static String randomAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    synchronized AgentSocket send(String json) {
        sending = sending.thenCompose(x -> socket.join().sendText(json, true));
        return this;
    }

    AgentSocket hello(String accessToken) {
        return send("{\"type\":\"hello\",\"accessToken\":\"" + accessToken + "\"}");
    }

    AgentSocket hello(String accessToken, String workspaceId) {
        return send("{\"type\":\"hello\",\"accessToken\":\"" + accessToken + "\",\"workspaceId\":\"" + workspaceId
                + "\"}");
    }

    /** The next frame from the server, failing after {@link #WAIT}. */
    JsonNode next() {
        try {
            JsonNode node = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (node == null) {
                throw new AssertionError("no frame within " + WAIT + "; connection: " + closeStatus.getNow(null));
            }
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** How the server closed the connection; code -1 when it failed without a close frame. */
    Closed closeStatus() {
        return closeStatus(WAIT);
    }

    Closed closeStatus(Duration wait) {
        try {
            return closeStatus.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within " + wait, e);
        }
    }

    boolean isClosed() {
        return closeStatus.isDone();
    }

    String selectedProtocol() {
        return socket.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join().getSubprotocol();
    }

    record Closed(int code, String reason) {
    }

    @Override
    public void close() {
        WebSocket ws = socket.getNow(null);
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        if (ws != null) {
            ws.abort();
        }
    }

    private static SSLContext trusting(TestCertificate trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("parley-test", trusted.x509());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(JSON.readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeStatus.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeStatus.complete(new Closed(-1, error.toString()));
        }
    }
}
