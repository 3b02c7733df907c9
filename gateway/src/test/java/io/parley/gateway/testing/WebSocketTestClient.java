package io.parley.gateway.testing;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real wss:// client of one of Parley's sockets for end-to-end tests, on the JDK's WebSocket
 * client (which sends no Origin of its own, so tests choose: a browser's, or none like a native app).
 * Subclasses add the frames of their endpoint; {@code S} keeps the fluent calls typed.
 */
public abstract class WebSocketTestClient<S extends WebSocketTestClient<S>> implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closeStatus = new CompletableFuture<>();
    private final CompletableFuture<WebSocket> socket;
    private CompletableFuture<?> sending;

    /** Connects to {@code wss://localhost:<port><pathAndQuery>} with the {@code parley.v1} subprotocol. */
    protected WebSocketTestClient(TestCertificate trusted, int port, String pathAndQuery, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newBuilder()
                .sslContext(trusting(trusted))
                .connectTimeout(WAIT)
                .build()
                .newWebSocketBuilder()
                .subprotocols("parley.v1")
                .connectTimeout(WAIT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(URI.create("wss://localhost:" + port + pathAndQuery), new Listener())
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        closeStatus.complete(new Closed(-1, failure.toString()));
                    }
                });
        sending = socket;
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    public synchronized S send(String json) {
        sending = sending.thenCompose(x -> socket.join().sendText(json, true));
        return self();
    }

    public synchronized S sendBinary(byte[] bytes) {
        sending = sending.thenCompose(x -> socket.join().sendBinary(ByteBuffer.wrap(bytes), true));
        return self();
    }

    /** The next frame from the server, failing after {@link #WAIT}. */
    public JsonNode next() {
        try {
            JsonNode node = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (node == null) {
                throw new AssertionError("no frame within " + WAIT + "; connection: "
                        + closeStatus.getNow(null));
            }
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame of this type, skipping others. */
    public JsonNode next(String type) {
        return nextMatching(n -> type.equals(n.get("type").asString()));
    }

    public JsonNode nextMatching(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode node = next();
            if (wanted.test(node)) {
                return node;
            }
        }
        throw new AssertionError("no matching frame within " + WAIT);
    }

    /** Frames received so far that have not been read. */
    public List<JsonNode> drain() {
        List<JsonNode> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    /** How the server closed the connection; code -1 when it failed without a close frame. */
    public Closed closeStatus() {
        return closeStatus(WAIT);
    }

    public Closed closeStatus(Duration wait) {
        try {
            return closeStatus.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within " + wait, e);
        }
    }

    public boolean isClosed() {
        return closeStatus.isDone();
    }

    public String selectedProtocol() {
        return socket.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join().getSubprotocol();
    }

    public record Closed(int code, String reason) {
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

    /** A JDK TLS context that trusts only {@code trusted}. */
    public static SSLContext trusting(TestCertificate trusted) {
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
