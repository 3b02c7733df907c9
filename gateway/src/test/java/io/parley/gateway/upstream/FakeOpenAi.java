package io.parley.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 over real HTTP and server-sent events,
 * misbehaving as told: each request takes the next queued {@link Mode}, or the default one when none is
 * queued. It counts requests and the connections that opened and closed, and keeps what each request sent.
 */
public final class FakeOpenAi implements AutoCloseable {
    public static final List<String> ANSWER = List.of("Hello", " from", " the", " model.");

    public enum Mode {
        STREAM, STREAM_THEN_HOLD, STREAM_THEN_DROP, STALL_BEFORE_FIRST_TOKEN, STALL_MID_STREAM, RATE_LIMITED, RATE_LIMITED_LONG, SERVER_ERROR,
        DROP_MID_STREAM, MALFORMED_JSON, MISSING_FIELDS
    }

    public record Request(String body, String authorization) {
    }

    private final DisposableServer server;
    private final Queue<Mode> queued = new ConcurrentLinkedQueue<>();
    private volatile Mode defaultMode = Mode.STREAM;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger openedConnections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final List<Request> received = new CopyOnWriteArrayList<>();

    public FakeOpenAi() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .doOnChannelInit((observer, channel, address) -> openedConnections.incrementAndGet())
                .route(routes -> routes.post("/v1/chat/completions", this::answer))
                .bindNow();
    }

    /** Like {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    public FakeOpenAi always(Mode mode) {
        defaultMode = mode;
        return this;
    }

    public FakeOpenAi then(Mode mode) {
        queued.add(mode);
        return this;
    }

    public int requests() {
        return requests.get();
    }

    public int openedConnections() {
        return openedConnections.get();
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    public List<Request> received() {
        return received;
    }

    private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        requests.incrementAndGet();
        request.withConnection(connection -> connection.onDispose(closedConnections::incrementAndGet));
        Mode queuedMode = queued.poll();
        Mode mode = queuedMode != null ? queuedMode : defaultMode;
        String authorization = String.valueOf(request.requestHeaders().get("Authorization"));
        return request.receive().aggregate().asString().defaultIfEmpty("")
                .doOnNext(body -> received.add(new Request(body, authorization)))
                .flatMap(body -> respond(mode, request, response));
    }

    private static Mono<Void> respond(Mode mode, HttpServerRequest request, HttpServerResponse response) {
        HttpServerResponse events = response.header("Content-Type", "text/event-stream");
        return switch (mode) {
            case STREAM -> events.sendObject(Flux.concat(Flux.just(role()), Flux.fromIterable(ANSWER).map(FakeOpenAi::chunk),
                    Flux.just(finish(), event("[DONE]")))).then();
            case STREAM_THEN_HOLD -> events.sendObject(Flux.concat(Flux.just(role()), Flux.fromIterable(ANSWER)
                    .map(FakeOpenAi::chunk), Flux.just(finish(), event("[DONE]")), Flux.never())).then();
            case STREAM_THEN_DROP -> events.sendObject(Flux.concat(Flux.just(role()), Flux.fromIterable(ANSWER)
                            .map(FakeOpenAi::chunk), Flux.just(finish(), event("[DONE]"))))
                    .then()
                    .then(Mono.<Void>fromRunnable(() -> request.withConnection(c -> c.channel().close())))
                    .then(Mono.never());
            case STALL_BEFORE_FIRST_TOKEN -> events.sendObject(Flux.concat(Flux.just(role()), Flux.never())).then();
            case STALL_MID_STREAM -> events.sendObject(Flux.concat(Flux.just(role(), chunk(ANSWER.get(0)),
                    chunk(ANSWER.get(1))), Flux.never())).then();
            case DROP_MID_STREAM -> events.sendObject(Flux.just(role(), chunk(ANSWER.get(0)), chunk(ANSWER.get(1))))
                    .then()
                    .then(Mono.<Void>fromRunnable(() -> request.withConnection(c -> c.channel().close())))
                    .then(Mono.never());
            case RATE_LIMITED -> response.status(429).header("Retry-After", "1")
                    .sendString(Mono.just("{\"error\":{\"message\":\"Rate limit reached\"}}")).then();
            case RATE_LIMITED_LONG -> response.status(429).header("Retry-After", "120")
                    .sendString(Mono.just("{\"error\":{\"message\":\"Rate limit reached\"}}")).then();
            case SERVER_ERROR -> response.status(500)
                    .sendString(Mono.just("{\"error\":{\"message\":\"The server had an error\"}}")).then();
            case MALFORMED_JSON -> events.sendObject(Flux.just(role(), event("{\"choices\":[{\"delta\":{\"content\":"),
                    finish(), event("[DONE]"))).then();
            case MISSING_FIELDS -> events.sendObject(Flux.just(event("{\"id\":\"chatcmpl-1\",\"object\":\"chunk\"}"),
                    event("[DONE]"))).then();
        };
    }

    private static ByteBuf role() {
        return event("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}");
    }

    private static ByteBuf chunk(String text) {
        return event("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},"
                + "\"finish_reason\":null}]}");
    }

    private static ByteBuf finish() {
        return event("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    }

    private static ByteBuf event(String data) {
        return Unpooled.copiedBuffer("data: " + data + "\n\n", StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
