package io.parley.core.model;

public record KnowledgeEntry(String id, BotId botId, String title, String body) {
}
