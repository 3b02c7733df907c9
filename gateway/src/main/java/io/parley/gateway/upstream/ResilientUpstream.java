package io.parley.gateway.upstream;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.core.model.OpenAiUpstream;
import io.parley.gateway.upstream.UpstreamFailure.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link ChatCompletionsClient} behind resilience4j. Innermost first: one attempt with a time-to-first-token
 * timeout and an idle timeout between tokens; a circuit breaker per upstream (scheme, host and port of
 * the base URL) that counts only failures of the upstream's health (not 429 or another 4xx, which are
 * one account's quota or settings); retry only before the first token; one bulkhead around all of it.
 */
final class ResilientUpstream implements AutoCloseable {
    static final String BULKHEAD = "openai-upstream";
    static final String RETRY = "openai-upstream";

    private final ChatCompletionsClient client;
    private final UpstreamProperties properties;
    private final CircuitBreakerRegistry breakers;
    private final Bulkhead bulkhead;
    private final Retry retry;
    private final UpstreamMetrics metrics;

    ResilientUpstream(UpstreamProperties properties, MeterRegistry meters) {
        this(properties, meters, ChatCompletionsClient.DRAIN_AFTER_ANSWER);
    }

    /** {@code drainAfterAnswer}: see {@link ChatCompletionsClient}. */
    ResilientUpstream(UpstreamProperties properties, MeterRegistry meters, Duration drainAfterAnswer) {
        this.properties = properties;
        this.client = new ChatCompletionsClient(properties, drainAfterAnswer);
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.breakerWindow())
                .minimumNumberOfCalls(Math.min(properties.breakerMinimumCalls(), properties.breakerWindow()))
                .failureRateThreshold(properties.breakerFailureRate())
                .waitDurationInOpenState(properties.breakerOpenFor())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordException(e -> e instanceof UpstreamFailure f && f.kind().upstreamUnhealthy)
                // Neither failure nor success (resilience4j counts unrecorded exceptions as successes).
                .ignoreException(e -> e instanceof UpstreamFailure f && !f.kind().upstreamUnhealthy)
                // A long answer is not a sick upstream: streams are bounded by the idle timeout, not by length.
                .slowCallDurationThreshold(Duration.ofMinutes(10))
                .build());
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(properties.maxConcurrentStreams())
                .maxWaitDuration(Duration.ZERO) // full: fail fast, the visitor gets the knowledge base at once
                .build());
        this.bulkhead = bulkheads.bulkhead(BULKHEAD);
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(properties.retries() + 1)
                .retryOnException(this::retryable)
                .intervalBiFunction(this::waitBeforeRetry)
                .failAfterMaxAttempts(false)
                .build());
        this.retry = retries.retry(RETRY);
        this.metrics = new UpstreamMetrics(meters, breakers, bulkheads, retries);
    }

    /** The answer's text pieces; fails with an {@link UpstreamFailure} of the last attempt or refusal. */
    Flux<String> stream(OpenAiUpstream upstream, List<Map<String, String>> messages) {
        return Flux.defer(() -> {
            CircuitBreaker breaker = breakers.circuitBreaker(upstreamName(upstream.baseUrl()));
            AtomicBoolean anyToken = new AtomicBoolean();
            Timer.Sample asked = metrics.startFirstToken();
            Flux<String> attempt = Flux.defer(() -> {
                AtomicBoolean attemptToken = new AtomicBoolean();
                return client.stream(upstream, messages)
                        .timeout(Mono.delay(properties.firstTokenTimeout()),
                                piece -> Mono.delay(properties.idleTimeout()))
                        .doOnNext(piece -> {
                            attemptToken.set(true);
                            if (anyToken.compareAndSet(false, true)) {
                                metrics.firstToken(asked);
                            }
                        })
                        .onErrorMap(e -> failure(e, attemptToken.get()))
                        .doOnError(UpstreamFailure.class, f -> metrics.error(f.kind()))
                        .doOnSubscribe(s -> metrics.streamOpened())
                        .doFinally(s -> metrics.streamClosed());
            });
            return attempt
                    .transformDeferred(CircuitBreakerOperator.of(breaker))
                    .transformDeferred(RetryOperator.of(retry))
                    .transformDeferred(BulkheadOperator.of(bulkhead))
                    .onErrorMap(e -> !(e instanceof UpstreamFailure), this::refusal);
        });
    }

    private static UpstreamFailure failure(Throwable e, boolean afterFirstToken) {
        if (e instanceof UpstreamFailure failure) {
            return failure.afterFirstToken(afterFirstToken);
        }
        if (e instanceof TimeoutException) {
            return afterFirstToken
                    ? new UpstreamFailure(Kind.IDLE_TIMEOUT, "no token within the idle timeout", null, true, null)
                    : new UpstreamFailure(Kind.FIRST_TOKEN_TIMEOUT, "no token within the first-token timeout");
        }
        return new UpstreamFailure(Kind.DROPPED, "unexpected " + e.getClass().getSimpleName(), null, afterFirstToken, e);
    }

    private UpstreamFailure refusal(Throwable e) {
        UpstreamFailure failure = e instanceof CallNotPermittedException
                ? new UpstreamFailure(Kind.BREAKER_OPEN, "the circuit breaker is open")
                : e instanceof BulkheadFullException
                ? new UpstreamFailure(Kind.BULKHEAD_FULL, "too many upstream streams at once")
                : new UpstreamFailure(Kind.DROPPED, "unexpected " + e.getClass().getSimpleName(), null, false, e);
        metrics.error(failure.kind());
        return failure;
    }

    /** Never after the first token: the visitor has seen it, and a second answer would not continue it. */
    private boolean retryable(Throwable e) {
        if (!(e instanceof UpstreamFailure failure) || failure.afterFirstToken() || !failure.kind().retryable) {
            return false;
        }
        Duration retryAfter = failure.retryAfter();
        return retryAfter == null || retryAfter.compareTo(properties.maxRetryAfter()) <= 0;
    }

    private Long waitBeforeRetry(Integer attempt, Either<Throwable, ?> outcome) {
        if (outcome.isLeft() && outcome.getLeft() instanceof UpstreamFailure failure && failure.retryAfter() != null) {
            return Math.max(1, failure.retryAfter().toMillis());
        }
        return properties.retryBackoff().toMillis() << Math.min(Math.max(attempt - 1, 0), 10);
    }

    /** The breaker's name: an upstream is its scheme, host and port. */
    static String upstreamName(String baseUrl) {
        try {
            URI uri = URI.create(baseUrl);
            int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
            return uri.getScheme() + "://" + uri.getHost() + ":" + port;
        } catch (IllegalArgumentException e) {
            return baseUrl;
        }
    }

    CircuitBreaker.State breakerState(String baseUrl) {
        return breakers.circuitBreaker(upstreamName(baseUrl)).getState();
    }

    UpstreamMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        client.close();
    }
}
