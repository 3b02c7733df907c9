package io.parley.core.responder;

import io.parley.core.model.KnowledgeEntry;
import io.parley.core.port.KnowledgeIndex;
import io.parley.core.port.Responder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The default bot: answers from the bot's knowledge entries, best match first, streamed a few words
 * at a time. When nothing matches it says so and offers a human.
 */
public final class KnowledgeBaseResponder implements Responder {
    static final String NOTHING_FOUND = "I'm sorry, I couldn't find anything about that in what I know. "
            + "Would you like to talk to a person? Ask for a human and someone from the team will take over.";
    private static final Set<String> GREETINGS = Set.of("hi", "hello", "hey", "hallo", "good morning",
            "good afternoon", "good evening", "hi there", "hello there");
    private static final int WORDS_PER_PIECE = 3;

    private final KnowledgeIndex index;
    private final Duration pieceInterval;
    private final Scheduler scheduler;

    public KnowledgeBaseResponder(KnowledgeIndex index, Duration pieceInterval) {
        this(index, pieceInterval, Schedulers.parallel());
    }

    public KnowledgeBaseResponder(KnowledgeIndex index, Duration pieceInterval, Scheduler scheduler) {
        this.index = index;
        this.pieceInterval = pieceInterval;
        this.scheduler = scheduler;
    }

    @Override
    public Flux<String> reply(ReplyContext context) {
        String question = context.question().strip();
        if (isGreeting(question)) {
            return stream("Hello! I'm " + context.bot().name() + ". Ask me anything, or ask for a human at any time.");
        }
        return index.search(context.bot().id(), question, 1)
                .next()
                .map(KnowledgeBaseResponder::answer)
                .defaultIfEmpty(NOTHING_FOUND)
                .flatMapMany(this::stream);
    }

    private static String answer(KnowledgeEntry entry) {
        return entry.body();
    }

    private Flux<String> stream(String text) {
        List<String> pieces = pieces(text);
        if (pieceInterval.isZero()) {
            return Flux.fromIterable(pieces);
        }
        return Flux.fromIterable(pieces).delayElements(pieceInterval, scheduler);
    }

    /** Splits text into pieces of a few words; concatenated they give the text back exactly. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && ++words == WORDS_PER_PIECE) {
                pieces.add(text.substring(start, i + 1));
                start = i + 1;
                words = 0;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    private static boolean isGreeting(String question) {
        String normalized = question.toLowerCase(Locale.ROOT).replaceAll("[!.?,\\s]+$", "").strip();
        return GREETINGS.contains(normalized);
    }
}
