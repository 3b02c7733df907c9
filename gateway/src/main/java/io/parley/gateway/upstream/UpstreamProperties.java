package io.parley.gateway.upstream;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway talks to OpenAI-compatible upstreams (see docs/operations.md, "The OpenAI upstream").
 *
 * @param connectTimeout         TCP connect to the upstream (the TLS handshake has reactor-netty's own 10 s)
 * @param firstTokenTimeout      from sending a request to the first piece of answer text
 * @param idleTimeout            longest silence between two pieces of answer text
 * @param maxConcurrentStreams   upstream streams open at once on this node; beyond, replies fall back at once
 * @param retries                extra attempts before the first token (connect failures, 429, 5xx, dropped)
 * @param retryBackoff           wait before the first retry, doubled for each further one
 * @param maxRetryAfter          a 429's Retry-After is honoured up to this; a longer one falls back at once
 * @param breakerWindow          upstream calls the breaker judges by (a sliding count)
 * @param breakerMinimumCalls    calls before the breaker judges at all
 * @param breakerFailureRate     percentage of failed calls in the window that opens the breaker
 * @param breakerOpenFor         how long an open breaker refuses calls before letting a few try again
 * @param settingsCacheExpiry    longest a node keeps a bot's upstream settings read from PostgreSQL; a change
 *                               announced over Redis drops them at once, so this only bounds a lost announcement
 * @param settingsCacheMaxBots   bots whose upstream settings a node keeps at once; beyond, the oldest go
 */
@Validated
@ConfigurationProperties("parley.upstream")
public record UpstreamProperties(
        @DefaultValue("2s") @DurationMin(millis = 1) Duration connectTimeout,
        @DefaultValue("10s") @DurationMin(millis = 1) Duration firstTokenTimeout,
        @DefaultValue("15s") @DurationMin(millis = 1) Duration idleTimeout,
        @DefaultValue("200") @Min(1) @Max(100_000) int maxConcurrentStreams,
        @DefaultValue("2") @Min(0) @Max(10) int retries,
        @DefaultValue("250ms") @DurationMin(millis = 1) Duration retryBackoff,
        @DefaultValue("5s") @DurationMin(millis = 0) Duration maxRetryAfter,
        @DefaultValue("20") @Min(1) @Max(10_000) int breakerWindow,
        @DefaultValue("10") @Min(1) @Max(10_000) int breakerMinimumCalls,
        @DefaultValue("50") @Min(1) @Max(100) int breakerFailureRate,
        @DefaultValue("30s") @DurationMin(millis = 1) Duration breakerOpenFor,
        @DefaultValue("60s") @DurationMin(millis = 1) @DurationMax(hours = 24) Duration settingsCacheExpiry,
        @DefaultValue("10000") @Min(1) @Max(1_000_000) int settingsCacheMaxBots) {

    /** The defaults above, for code that builds the responder without Spring. */
    static UpstreamProperties defaults() {
        return new UpstreamProperties(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(15), 200,
                2, Duration.ofMillis(250), Duration.ofSeconds(5), 20, 10, 50, Duration.ofSeconds(30),
                Duration.ofSeconds(60), 10_000);
    }
}
