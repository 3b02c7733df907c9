package io.parley.persistence.postgres;

import io.parley.core.model.KnowledgeEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bot's knowledge entries as read at one moment, with their stored {@code tsvector}s, searched in memory the
 * way {@link PostgresKnowledgeIndex} searches them in PostgreSQL: the same entries in the same order for every
 * question this class answers (the English lexemes of a plain question: {@link EnglishLexemes}; the rank:
 * {@link TsRank}; ties by id in byte order, as {@code COLLATE "C"}). Immutable, so any thread may search it.
 */
public final class KnowledgeSnapshot {
    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingDouble((Ranked r) -> -r.rank)
            .thenComparing(r -> r.entry.entry().id());
    private static final int[] NONE = new int[0];

    private final List<Indexed> entries;
    private final Map<String, int[]> postings;
    private final long chars;
    private final long bytes;

    KnowledgeSnapshot(List<Indexed> entries) {
        this.entries = List.copyOf(entries);
        Map<String, List<Integer>> byLexeme = new HashMap<>();
        long size = 0;
        long pairs = 0;
        for (int i = 0; i < this.entries.size(); i++) {
            Indexed indexed = this.entries.get(i);
            size += indexed.entry().title().length() + indexed.entry().body().length();
            for (Map.Entry<String, byte[]> lexeme : indexed.vector().entrySet()) {
                byLexeme.computeIfAbsent(lexeme.getKey(), l -> new ArrayList<>()).add(i);
                pairs += 1;
            }
        }
        Map<String, int[]> index = new HashMap<>();
        byLexeme.forEach((lexeme, at) -> index.put(lexeme, at.stream().mapToInt(Integer::intValue).toArray()));
        this.postings = index;
        this.chars = size;
        // an estimate on the high side: strings at two bytes a character, and what a hash map entry, a lexeme and
        // its weights cost per entry and lexeme, and per distinct lexeme in the postings
        this.bytes = 64 + 160L * this.entries.size() + 2 * size + 136 * pairs + 80L * index.size();
    }

    /**
     * The entries matching the question, best first, at most {@code max}; no answer when the question is not
     * plain text (then only PostgreSQL's parser knows its lexemes).
     */
    public Optional<List<KnowledgeEntry>> search(String question, int max) {
        if (max <= 0 || question.isBlank()) {
            return Optional.of(List.of());
        }
        return EnglishLexemes.of(question).map(lexemes -> {
            Map<Integer, Ranked> matching = new HashMap<>();
            for (String lexeme : lexemes) {
                for (int at : postings.getOrDefault(lexeme, NONE)) {
                    matching.computeIfAbsent(at, i -> new Ranked(entries.get(i),
                            TsRank.or(lexemes, entries.get(i).vector())));
                }
            }
            return matching.values().stream().sorted(BEST_FIRST).limit(max).map(r -> r.entry.entry()).toList();
        });
    }

    /** The entries' titles and bodies together, in characters. */
    public long chars() {
        return chars;
    }

    /** Roughly what keeping this snapshot costs in heap, in bytes (rather more than less). */
    public long bytes() {
        return bytes;
    }

    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return "KnowledgeSnapshot[" + entries.size() + " entries]";
    }

    /** An entry and its {@code search} vector ({@link TsRank#parse}). */
    record Indexed(KnowledgeEntry entry, Map<String, byte[]> vector) {
    }

    private record Ranked(Indexed entry, float rank) {
    }
}
