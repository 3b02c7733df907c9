package io.parley.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How bots behave. {@code seedDemo} creates the demo workspace and bots at start-up (development
 * only); {@code knowledgePieceInterval} paces the knowledge-base bot's streamed pieces. Each node keeps the
 * bots' knowledge bases in memory to search them: at most {@code knowledgeCacheMaxMemory} of heap (estimated) on
 * the node; a bot with more than {@code knowledgeCacheMaxEntriesPerBot} entries or a quarter of that memory is
 * searched in PostgreSQL instead, and a lost change announcement is seen after {@code knowledgeCacheExpiry} at
 * the latest.
 */
@Validated
@ConfigurationProperties("parley.bots")
public record BotProperties(
        @DefaultValue("false") boolean seedDemo,
        @DefaultValue("40ms") Duration knowledgePieceInterval,
        @DefaultValue("16000") int maxReplyChars,
        @DefaultValue("60s") @DurationMin(millis = 1) @DurationMax(hours = 24) Duration knowledgeCacheExpiry,
        @DefaultValue("5000") @Min(1) @Max(1_000_000) int knowledgeCacheMaxEntriesPerBot,
        @DefaultValue("128MB") DataSize knowledgeCacheMaxMemory) {

    public BotProperties {
        if (knowledgeCacheMaxMemory.toBytes() < 64 * 1024) {
            throw new IllegalArgumentException("parley.bots.knowledge-cache-max-memory must be at least 64KB");
        }
    }
}
