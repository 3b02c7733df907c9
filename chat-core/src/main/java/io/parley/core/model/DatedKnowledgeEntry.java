package io.parley.core.model;

import java.time.Instant;

/** A knowledge entry with the instant it was created, which orders the bot's list of entries. */
public record DatedKnowledgeEntry(KnowledgeEntry entry, Instant createdAt) {
}
