package io.parley.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The protocol's connection limits; the defaults are the ones docs/protocol.md promises.
 * {@code drainDeadline}: how long a stopping node lets its replies finish before handing them over
 * (at most 20 s, so that with the hand-over it stays within Spring's 30 s per shutdown phase).
 */
@Validated
@ConfigurationProperties("parley.ws")
public record WebSocketProperties(
        @DefaultValue("25s") Duration heartbeat,
        @DefaultValue("10s") Duration helloTimeout,
        @Min(1024) @Max(1_048_576) @DefaultValue("16384") int maxFrameBytes,
        @Min(1) @Max(100_000) @DefaultValue("4000") int maxTextChars,
        @Min(16_384) @DefaultValue("1048576") long maxPendingBytes,
        @Min(1) @DefaultValue("10") int badFramesPerMinute,
        @DurationMin(seconds = 0) @DurationMax(seconds = 20) @DefaultValue("10s") Duration drainDeadline) {
}
