package io.parley.gateway.upstream;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.gateway.upstream.UpstreamFailure.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream's meters: {@code parley.upstream.first.token} (timer: from asking to the first piece of
 * answer text, retries included), {@code parley.upstream.errors{kind}} (each failed attempt or refusal),
 * {@code parley.upstream.streams} (upstream HTTP streams open now), and resilience4j's own
 * {@code resilience4j.circuitbreaker.*} (breaker state per upstream), {@code resilience4j.bulkhead.*} and
 * {@code resilience4j.retry.*}.
 */
final class UpstreamMetrics {
    private final Timer firstToken;
    private final Map<Kind, Counter> errors = new EnumMap<>(Kind.class);
    private final AtomicInteger streams = new AtomicInteger();
    private final MeterRegistry registry;

    UpstreamMetrics(MeterRegistry registry, CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads,
                    RetryRegistry retries) {
        this.registry = registry;
        this.firstToken = Timer.builder("parley.upstream.first.token")
                .description("Time from asking the OpenAI upstream to the first piece of answer text")
                .publishPercentileHistogram()
                .register(registry);
        for (Kind kind : Kind.values()) {
            errors.put(kind, Counter.builder("parley.upstream.errors")
                    .description("OpenAI upstream attempts that failed or were refused, by kind")
                    .tag("kind", kind.tag())
                    .register(registry));
        }
        Gauge.builder("parley.upstream.streams", streams, AtomicInteger::get)
                .description("OpenAI upstream streams open now on this node")
                .register(registry);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
    }

    Timer.Sample startFirstToken() {
        return Timer.start(registry);
    }

    void firstToken(Timer.Sample sample) {
        sample.stop(firstToken);
    }

    void error(Kind kind) {
        errors.get(kind).increment();
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    void streamClosed() {
        streams.decrementAndGet();
    }

    int streamsOpen() {
        return streams.get();
    }
}
