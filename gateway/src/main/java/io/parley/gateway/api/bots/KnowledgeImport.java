package io.parley.gateway.api.bots;

import io.parley.core.port.KnowledgeBase;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.ApiProblem.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an imported document into knowledge entries, without storing anything: a whole document is
 * accepted or refused with field errors on {@code text} that say where (section or block number).
 * <ul>
 *   <li>{@code markdown}: one entry per {@code #}, {@code ##} or {@code ###} heading (deeper headings and
 *   lines inside code fences are body text); the title is the heading's text, the body the text up to the
 *   next heading. Sections without text are skipped; text before the first heading is refused.</li>
 *   <li>{@code faq}: blocks separated by blank lines, each a {@code Q:} line (the title) followed by an
 *   {@code A:} line and any further lines (the body).</li>
 * </ul>
 */
final class KnowledgeImport {
    static final int MAX_TEXT_BYTES = 1024 * 1024;
    static final int MAX_ENTRIES = 1000;
    static final int MAX_TITLE = 200;
    static final int MAX_BODY = 20_000;
    private static final int MAX_ERRORS = 20;
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,3})(?:[ \\t]+(.*?))?[ \\t]*$");
    private static final Pattern CLOSING_HASHES = Pattern.compile("(?:^|[ \\t]+)#+$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t]*\\n(?:[ \\t]*\\n)*");

    private KnowledgeImport() {
    }

    enum Format {
        MARKDOWN, FAQ
    }

    static List<KnowledgeBase.Draft> split(Format format, String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw ApiProblem.invalid("text", "Import at most 1 MiB of text at a time.");
        }
        if (text.indexOf('\0') >= 0) {
            throw ApiProblem.invalid("text", "The text must not contain NUL characters.");
        }
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        List<FieldError> errors = new ArrayList<>();
        List<KnowledgeBase.Draft> entries = format == Format.MARKDOWN ? markdown(normalized, errors) : faq(normalized, errors);
        if (errors.isEmpty() && entries.isEmpty()) {
            errors.add(new FieldError("text", format == Format.MARKDOWN
                    ? "No section with text found; start each entry with a # heading."
                    : "No Q:/A: block found."));
        }
        if (errors.isEmpty() && entries.size() > MAX_ENTRIES) {
            errors.add(new FieldError("text", "At most " + MAX_ENTRIES + " entries per import; this text has "
                    + entries.size() + "."));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.subList(0, Math.min(errors.size(), MAX_ERRORS)));
        }
        return entries;
    }

    private static List<KnowledgeBase.Draft> markdown(String text, List<FieldError> errors) {
        List<KnowledgeBase.Draft> entries = new ArrayList<>();
        String title = null;
        StringBuilder body = new StringBuilder();
        boolean inFence = false;
        int section = 0;
        for (String line : text.split("\n", -1)) {
            Matcher heading = inFence ? null : HEADING.matcher(line);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            }
            if (heading == null || !heading.matches()) {
                if (title == null && !line.isBlank()) {
                    if (errors.isEmpty()) {
                        errors.add(new FieldError("text",
                                "Text before the first heading has no title; start the document with a # heading."));
                    }
                }
                body.append(line).append('\n');
                continue;
            }
            if (title != null) {
                add(entries, title, body.toString(), "Section " + section, errors);
            }
            section++;
            String headingText = heading.group(2) == null ? "" : CLOSING_HASHES.matcher(heading.group(2)).replaceAll("").strip();
            if (headingText.isEmpty()) {
                errors.add(new FieldError("text", "Section " + section + ": the heading has no text."));
            }
            title = headingText;
            body.setLength(0);
        }
        if (title != null) {
            add(entries, title, body.toString(), "Section " + section, errors);
        }
        return entries;
    }

    private static List<KnowledgeBase.Draft> faq(String text, List<FieldError> errors) {
        List<KnowledgeBase.Draft> entries = new ArrayList<>();
        int number = 0;
        for (String block : BLANK_LINES.split(text.strip())) {
            if (block.isBlank()) {
                continue;
            }
            number++;
            String[] lines = block.strip().split("\n", -1);
            String where = "Block " + number;
            if (!lines[0].startsWith("Q:")) {
                errors.add(new FieldError("text", where + ": start with a line \"Q: question\"."));
                continue;
            }
            if (lines.length < 2 || !lines[1].startsWith("A:")) {
                errors.add(new FieldError("text", where + ": follow the question with a line \"A: answer\"."));
                continue;
            }
            StringBuilder answer = new StringBuilder(lines[1].substring(2));
            for (int i = 2; i < lines.length; i++) {
                answer.append('\n').append(lines[i]);
            }
            String question = lines[0].substring(2).strip();
            if (question.isEmpty()) {
                errors.add(new FieldError("text", where + ": the question is empty."));
                continue;
            }
            if (answer.toString().isBlank()) {
                errors.add(new FieldError("text", where + ": the answer is empty."));
                continue;
            }
            add(entries, question, answer.toString(), where, errors);
        }
        return entries;
    }

    private static void add(List<KnowledgeBase.Draft> entries, String title, String body, String where,
                            List<FieldError> errors) {
        String trimmed = body.strip();
        if (trimmed.isEmpty() || title.isEmpty()) {
            return;
        }
        if (title.codePointCount(0, title.length()) > MAX_TITLE) {
            errors.add(new FieldError("text", where + ": the title has more than " + MAX_TITLE + " characters."));
            return;
        }
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_BODY) {
            errors.add(new FieldError("text", where + ": the text has more than " + MAX_BODY + " characters."));
            return;
        }
        entries.add(new KnowledgeBase.Draft(title, trimmed));
    }
}
