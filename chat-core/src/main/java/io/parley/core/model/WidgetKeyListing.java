package io.parley.core.model;

import java.time.Instant;

/** A widget key as administrators list it; keys are public, so the whole key is shown. */
public record WidgetKeyListing(String key, BotId botId, boolean enabled, Instant createdAt) {
}
