package io.parley.persistence.postgres;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * The lexemes PostgreSQL's {@code to_tsvector('english', text)} gives a plain text, computed here. Its words (runs
 * of ASCII letters) are lower-cased, the {@code english} stop words dropped, the rest put through Snowball's
 * English stemmer, which is what PostgreSQL's {@code english_stem} is built from; its numbers and words with
 * digits ({@code 30}, {@code 2fa}, {@code ios17}) are lower-cased only, as PostgreSQL's {@code simple}
 * dictionary does. "Plain" is what PostgreSQL's parser splits into such words, numbers and blanks and nothing
 * else: ASCII letters and digits, white space, {@code ? ! , ; : ' " ( )}, and a full stop not followed by a
 * letter, a digit or another full stop. Anything else (hyphens, slashes, {@code @}, a full stop inside a word or
 * a number as in {@code e.g} or {@code 3.5}, {@code ..}, which that parser reads as a file name, letters beyond
 * ASCII, a word longer than {@value #MAX_WORD}) may be a hyphenated word, a URL, a file name, a decimal number or
 * an e-mail address to that parser, so such a text gets no answer here and is left to PostgreSQL.
 */
final class EnglishLexemes {
    static final int MAX_WORD = 100;

    /** PostgreSQL's {@code tsearch_data/english.stop} (Snowball's English stop words). */
    static final Set<String> STOP_WORDS = Set.of(
            "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
            "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
            "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these",
            "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
            "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while",
            "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before",
            "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
            "again", "further", "then", "once", "here", "there", "when", "where", "why", "how", "all", "any",
            "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own",
            "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now");

    private EnglishLexemes() {
    }

    /**
     * The text's distinct lexemes in the order PostgreSQL sorts a query's operands (byte order; they are ASCII),
     * empty when it has none (stop words only); or no answer when the text is not plain.
     */
    static Optional<List<String>> of(String text) {
        TreeSet<String> lexemes = new TreeSet<>();
        EnglishStemmer stemmer = null;
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (isAsciiLetter(c) || isDigit(c)) {
                int start = i;
                boolean withDigits = false;
                while (i < length && (isAsciiLetter(text.charAt(i)) || isDigit(text.charAt(i)))) {
                    withDigits |= isDigit(text.charAt(i));
                    i++;
                }
                if (i - start > MAX_WORD) {
                    return Optional.empty();
                }
                String word = text.substring(start, i).toLowerCase(java.util.Locale.ROOT);
                if (withDigits) {
                    // a number or a word with digits (30, 2fa, ios17, 1e5): the simple dictionary, as it is
                    lexemes.add(word);
                } else if (!STOP_WORDS.contains(word)) {
                    if (stemmer == null) {
                        stemmer = new EnglishStemmer();
                    }
                    stemmer.setCurrent(word);
                    stemmer.stem();
                    lexemes.add(stemmer.getCurrent());
                }
                continue;
            }
            if (!isBlank(c, i + 1 < length ? text.charAt(i + 1) : ' ')) {
                return Optional.empty();
            }
            i++;
        }
        return Optional.of(List.copyOf(lexemes));
    }

    private static boolean isBlank(char c, char next) {
        return switch (c) {
            case ' ', '\t', '\n', '\r', '?', '!', ',', ';', ':', '\'', '"', '(', ')' -> true;
            case '.' -> !isAsciiLetter(next) && !isDigit(next) && next != '.';
            default -> false;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
