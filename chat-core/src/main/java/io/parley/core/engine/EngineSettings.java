package io.parley.core.engine;

import java.time.Duration;

/**
 * @param maxReplyChars a bot reply longer than this is cut and ends with {@code finish: length}
 * @param shutdownGrace how long a stopping node waits for its replies to be stored as interrupted
 */
public record EngineSettings(int maxReplyChars, Duration shutdownGrace) {
    public static final EngineSettings DEFAULTS = new EngineSettings(16_000, Duration.ofSeconds(5));

    public EngineSettings {
        if (maxReplyChars < 1) {
            throw new IllegalArgumentException("maxReplyChars must be positive");
        }
    }
}
