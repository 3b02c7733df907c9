package io.parley.persistence.postgres;

import io.parley.core.model.ConversationId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last seq this node saw per conversation (the most recently used conversations only): the seq an
 * append predicts and seals its text with. A hint is never ahead of the database, only behind it when
 * another node appended meanwhile, which costs that append one more statement.
 */
final class LastSeqHints {

    private final Map<ConversationId, Long> lastSeqs;

    LastSeqHints(int capacity) {
        this.lastSeqs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ConversationId, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The last seq seen, 0 when none was (a new conversation's, or a guess the first append corrects). */
    synchronized long lastSeq(ConversationId conversationId) {
        return lastSeqs.getOrDefault(conversationId, 0L);
    }

    /** Appends finishing out of order must not move a hint back. */
    synchronized void saw(ConversationId conversationId, long lastSeq) {
        lastSeqs.merge(conversationId, lastSeq, Math::max);
    }
}
