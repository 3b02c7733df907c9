package io.parley.gateway.upstream;

import io.netty.channel.ChannelOption;
import io.parley.core.model.OpenAiUpstream;
import io.parley.gateway.upstream.UpstreamFailure.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.CodecException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streamed chat completion: {@code POST {baseUrl}/chat/completions} with {@code stream: true}, read
 * as server-sent events until {@code data: [DONE]} (or a finish reason), giving the answer's text pieces;
 * the rest of the response body is then read in the background, so the connection is reused. Every failure comes
 * out as an {@link UpstreamFailure}. Cancelling the Flux closes the HTTP connection (reactor-netty does
 * not return a connection whose response is unread to the pool).
 */
final class ChatCompletionsClient implements AutoCloseable {
    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
    };
    private static final String DONE = "[DONE]";
    /** How long the rest of a response body may take to end once the answer is complete. */
    static final Duration DRAIN_AFTER_ANSWER = Duration.ofMillis(500);

    private final Duration drainAfterAnswer;

    private final ConnectionProvider connections;
    private final WebClient web;
    private final JsonMapper json = JsonMapper.builder().build();

    ChatCompletionsClient(UpstreamProperties properties) {
        this(properties, DRAIN_AFTER_ANSWER);
    }

    ChatCompletionsClient(UpstreamProperties properties, Duration drainAfterAnswer) {
        this.drainAfterAnswer = drainAfterAnswer;
        // One connection per stream: the pool holds as many as the bulkhead lets run, so none waits for another.
        this.connections = ConnectionProvider.builder("parley-upstream")
                .maxConnections(properties.maxConcurrentStreams())
                .pendingAcquireTimeout(properties.connectTimeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        HttpClient http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(properties.connectTimeout().toMillis()))
                // No wiretap: a wire log would hold the Authorization header.
                .wiretap(false);
        this.web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                // Spring's DEBUG request logs stay without headers (the API key) even if someone turns them on.
                .codecs(codecs -> codecs.defaultCodecs().enableLoggingRequestDetails(false))
                .build();
    }

    /** The answer's text pieces, empty ones left out; completes at {@code [DONE]} or a finish reason. */
    Flux<String> stream(OpenAiUpstream upstream, List<Map<String, String>> messages) {
        return Flux.defer(() -> streamOnce(upstream, messages));
    }

    private Flux<String> streamOnce(OpenAiUpstream upstream, List<Map<String, String>> messages) {
        String body = json.writeValueAsString(Map.of("model", upstream.model(), "stream", true, "messages", messages));
        AtomicBoolean answered = new AtomicBoolean();
        Sinks.Empty<Void> answerComplete = Sinks.empty();
        Flux<Piece> events = web.post()
                .uri(chatCompletions(upstream.baseUrl()))
                .headers(headers -> {
                    if (upstream.apiKey() != null) {
                        headers.setBearerAuth(upstream.apiKey());
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue(body)
                .retrieve()
                .onStatus(status -> !status.is2xxSuccessful(), ChatCompletionsClient::statusFailure)
                .bodyToFlux(EVENTS)
                // what follows the answer ([DONE], a usage chunk) is read, so that the body ends, but not parsed
                .concatMap(event -> answered.get() ? Flux.empty() : Flux.fromIterable(pieces(event.data())))
                .concatWith(Mono.just(Piece.CLOSED))
                // a body that does not end soon after the answer is given up, and its connection closed
                .takeUntilOther(answerComplete.asMono().then(Mono.delay(drainAfterAnswer)));
        // The answer ends at its last piece, but its body is read to its end in the background: a response
        // cancelled unread closes its connection, and the next answer would wait for a new one (over the
        // internet a TCP and TLS handshake). Cancelled before the answer ended: the connection closes at once.
        return Flux.<String>create(sink -> sink.onCancel(events.subscribe(
                        piece -> {
                            if (answered.get()) {
                                return;
                            }
                            if (piece == Piece.CLOSED) {
                                sink.error(new UpstreamFailure(Kind.MALFORMED, "the event stream ended without [DONE]"));
                                return;
                            }
                            if (!piece.text().isEmpty()) {
                                sink.next(piece.text());
                            }
                            if (piece.last()) {
                                answered.set(true);
                                sink.complete();
                                answerComplete.tryEmitEmpty();
                            }
                        },
                        // after the answer, a failure of the rest of its body costs only that connection
                        failure -> {
                            if (!answered.get()) {
                                sink.error(failure);
                            }
                        })))
                .onErrorMap(e -> !(e instanceof UpstreamFailure), ChatCompletionsClient::failureOf);
    }

    /** Some answer text; {@code last} once the upstream said the answer is complete. */
    private record Piece(String text, boolean last) {
        static final Piece DONE = new Piece("", true);
        /** The response body ended: fine after {@link #DONE}, truncated before it. */
        static final Piece CLOSED = new Piece("", true);
    }

    private List<Piece> pieces(@Nullable String data) {
        if (data == null || data.isBlank()) {
            return List.of();
        }
        if (data.strip().equals(DONE)) {
            return List.of(Piece.DONE);
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (JacksonException e) {
            throw new UpstreamFailure(Kind.MALFORMED, "an event's data is not JSON", null, false, null);
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            throw new UpstreamFailure(Kind.SERVER_ERROR, "the stream reported an error");
        }
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new UpstreamFailure(Kind.MALFORMED, "an event has no choices");
        }
        if (choices.isEmpty()) {
            return List.of(); // e.g. the usage chunk some servers send last
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.get("delta");
        if (delta == null || !delta.isObject()) {
            throw new UpstreamFailure(Kind.MALFORMED, "an event's choice has no delta");
        }
        JsonNode content = delta.get("content");
        if (content != null && !content.isNull() && !content.isString()) {
            throw new UpstreamFailure(Kind.MALFORMED, "an event's delta content is not text");
        }
        JsonNode finish = choice.get("finish_reason");
        return List.of(new Piece(content == null || content.isNull() ? "" : content.asString(),
                finish != null && !finish.isNull()));
    }

    private static String chatCompletions(String baseUrl) {
        return (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl) + "/chat/completions";
    }

    private static Mono<? extends Throwable> statusFailure(ClientResponse response) {
        HttpStatusCode status = response.statusCode();
        UpstreamFailure failure;
        if (status.value() == 429) {
            failure = new UpstreamFailure(Kind.RATE_LIMITED, "HTTP 429", retryAfter(response.headers().asHttpHeaders()),
                    false, null);
        } else if (status.is5xxServerError()) {
            failure = new UpstreamFailure(Kind.SERVER_ERROR, "HTTP " + status.value());
        } else {
            failure = new UpstreamFailure(Kind.REJECTED, "HTTP " + status.value());
        }
        // The error body is read and dropped: it is the upstream's text, and the connection can be reused.
        return response.releaseBody().onErrorComplete().thenReturn(failure);
    }

    /** {@code retry-after-ms} (OpenAI's), else {@code Retry-After} in seconds or as an HTTP date. */
    static @Nullable Duration retryAfter(HttpHeaders headers) {
        String millis = headers.getFirst("retry-after-ms");
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        try {
            if (millis != null) {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.strip())));
            }
            if (value == null) {
                return null;
            }
            if (value.strip().chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(value.strip()));
            }
            Duration until = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (NumberFormatException | DateTimeParseException e) {
            return null; // an unreadable Retry-After counts as none: the usual backoff applies
        }
    }

    private static UpstreamFailure failureOf(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UpstreamFailure failure) {
                return failure;
            }
            if (cause instanceof ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException
                    || cause instanceof java.net.UnknownHostException) {
                return new UpstreamFailure(Kind.CONNECT, cause.getClass().getSimpleName(), null, false, null);
            }
            if (cause instanceof PrematureCloseException) {
                return new UpstreamFailure(Kind.DROPPED, "the connection closed early", null, false, null);
            }
            if (cause instanceof CodecException || cause instanceof JacksonException) {
                return new UpstreamFailure(Kind.MALFORMED, "the event stream could not be read", null, false, null);
            }
        }
        if (e instanceof WebClientRequestException || e instanceof IOException || e.getCause() instanceof IOException) {
            return new UpstreamFailure(Kind.DROPPED, e.getClass().getSimpleName(), null, false, null);
        }
        return new UpstreamFailure(Kind.DROPPED, "unexpected " + e.getClass().getSimpleName(), null, false, null);
    }

    @Override
    public void close() {
        connections.dispose();
    }
}
