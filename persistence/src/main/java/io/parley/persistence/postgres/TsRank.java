package io.parley.persistence.postgres;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's {@code ts_rank(vector, query)} for a query that ORs lexemes, with the default weights and no
 * normalisation: {@code calc_rank_or} of {@code tsrank.c}, in the same float arithmetic, so the same vectors and
 * query rank the same here as there, ties included.
 */
final class TsRank {
    /** {@code D, C, B, A}: ts_rank's default weights, by a position's weight. */
    private static final float[] WEIGHTS = {0.1f, 0.2f, 0.4f, 1.0f};
    private static final byte[] NO_POSITIONS = {0};

    private TsRank() {
    }

    /**
     * {@code query}: distinct lexemes in PostgreSQL's order (the order only matters to the float sum);
     * {@code vector}: each lexeme's positions' weights in position order, as {@link #parse} gives them.
     */
    static float or(List<String> query, Map<String, byte[]> vector) {
        float res = 0.0f;
        for (String lexeme : query) {
            byte[] weights = vector.get(lexeme);
            if (weights == null) {
                continue;
            }
            float resj = 0.0f;
            float wjm = -1.0f;
            int jm = 0;
            for (int j = 0; j < weights.length; j++) {
                float w = WEIGHTS[weights[j]];
                resj = resj + w / ((j + 1) * (j + 1));
                if (w > wjm) {
                    wjm = w;
                    jm = j;
                }
            }
            res = (float) (res + (wjm + resj - wjm / ((jm + 1) * (jm + 1))) / 1.64493406685);
        }
        if (!query.isEmpty()) {
            res = res / query.size();
        }
        return res;
    }

    /**
     * A {@code tsvector}'s text form ({@code 'lexeme':1A,4B 'other':2}; quotes and backslashes in a lexeme
     * doubled) as each lexeme's weights (0 for D to 3 for A) in the order of its positions; a lexeme without
     * positions counts as one position of weight D, as in PostgreSQL.
     */
    static Map<String, byte[]> parse(String text) {
        Map<String, byte[]> vector = new HashMap<>();
        int i = 0;
        int length = text.length();
        StringBuilder lexeme = new StringBuilder();
        while (i < length) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            if (text.charAt(i) != '\'') {
                throw malformed(text);
            }
            i++;
            lexeme.setLength(0);
            while (true) {
                if (i >= length) {
                    throw malformed(text);
                }
                char c = text.charAt(i);
                if ((c == '\'' || c == '\\') && i + 1 < length && text.charAt(i + 1) == c) {
                    lexeme.append(c);
                    i += 2;
                } else if (c == '\'') {
                    i++;
                    break;
                } else {
                    lexeme.append(c);
                    i++;
                }
            }
            byte[] weights = NO_POSITIONS;
            if (i < length && text.charAt(i) == ':') {
                i++;
                int count = 1;
                for (int k = i; k < length && text.charAt(k) != ' '; k++) {
                    if (text.charAt(k) == ',') {
                        count++;
                    }
                }
                weights = new byte[count];
                for (int p = 0; p < count; p++) {
                    int digits = i;
                    while (i < length && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                    if (i == digits) {
                        throw malformed(text);
                    }
                    byte weight = 0;
                    if (i < length && text.charAt(i) >= 'A' && text.charAt(i) <= 'D') {
                        weight = (byte) ('D' - text.charAt(i));
                        i++;
                    }
                    weights[p] = weight;
                    if (i < length && text.charAt(i) == ',') {
                        i++;
                    }
                }
            }
            vector.put(lexeme.toString(), weights);
        }
        return vector;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("not a tsvector's text form (" + text.length() + " characters)");
    }
}
