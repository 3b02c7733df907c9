package io.parley.core.model;

/** The per-bot rate limits of the protocol; a bot's owner may raise or lift each. */
public record BotLimits(RateLimit messagesPerVisitor, RateLimit messagesPerKeyAndIp, RateLimit connectionsPerKeyAndIp) {
    public static final BotLimits DEFAULTS = new BotLimits(
            new RateLimit(20, java.time.Duration.ofSeconds(10)),
            new RateLimit(600, java.time.Duration.ofMinutes(1)),
            new RateLimit(30, java.time.Duration.ofMinutes(1)));

    public static final BotLimits LIFTED = new BotLimits(RateLimit.UNLIMITED, RateLimit.UNLIMITED, RateLimit.UNLIMITED);
}
