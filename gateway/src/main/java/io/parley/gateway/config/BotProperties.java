package io.parley.gateway.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How bots behave. {@code seedDemo} creates the demo workspace and bots at start-up (development
 * only); {@code knowledgePieceInterval} paces the knowledge-base bot's streamed pieces.
 */
@Validated
@ConfigurationProperties("parley.bots")
public record BotProperties(
        @DefaultValue("false") boolean seedDemo,
        @DefaultValue("40ms") Duration knowledgePieceInterval,
        @DefaultValue("16000") int maxReplyChars) {
}
