package io.parley.gateway.upstream;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.port.KnowledgeIndex;
import io.parley.core.port.OpenAiUpstreams;
import io.parley.core.port.Responder;
import io.parley.gateway.upstream.UpstreamFailure.Kind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code openai} bot: streams the answer of the bot's OpenAI-compatible upstream, prompted with the
 * bot's name and greeting and its best-matching knowledge entries. Whenever the upstream fails (or the
 * breaker is open, or the bulkhead full) the visitor gets the knowledge-base answer instead, with a human
 * offered; if part of the upstream's answer was already streamed, a short notice comes first.
 */
public final class OpenAiResponder implements Responder {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiResponder.class);
    static final int KNOWLEDGE_ENTRIES = 3;
    static final String HUMAN_OFFER = " You can also ask for a human.";
    static final String CUT_SHORT = "\n\n(Sorry, my answer was cut short. Here is what I found in my notes:)\n\n";

    private final OpenAiUpstreams upstreams;
    private final KnowledgeIndex knowledge;
    private final Responder fallback;
    private final ResilientUpstream upstream;

    OpenAiResponder(OpenAiUpstreams upstreams, KnowledgeIndex knowledge, Responder fallback,
                    ResilientUpstream upstream) {
        this.upstreams = upstreams;
        this.knowledge = knowledge;
        this.fallback = fallback;
        this.upstream = upstream;
    }

    /** The bot's upstream and the knowledge entries for the question, read while the question is admitted. */
    @Override
    public Prepared prepare(Bot bot, String question) {
        return new Reads(bot.id(), question, read(bot.id(), question).toFuture());
    }

    @Override
    public Flux<String> reply(ReplyContext context) {
        return Flux.defer(() -> {
            AtomicBoolean streamed = new AtomicBoolean();
            Mono<Read> read = context.prepared() instanceof Reads reads && reads.isFor(context)
                    ? Mono.fromFuture(reads.result) : read(context.bot().id(), context.question());
            return read
                    .flatMapMany(found -> {
                        if (found.upstream() == null) {
                            upstream.metrics().error(Kind.NOT_CONFIGURED);
                            return Flux.error(new UpstreamFailure(Kind.NOT_CONFIGURED,
                                    "the bot has no OpenAI base URL and model"));
                        }
                        return upstream.stream(found.upstream(), messages(context, found.entries()));
                    })
                    .doOnNext(piece -> streamed.set(true))
                    // Policy: any failure, at any point, ends in the knowledge-base answer and a human offered.
                    .onErrorResume(e -> fallback(context, e, streamed.get()));
        });
    }

    private Mono<Read> read(BotId bot, String question) {
        return upstreams.of(bot).map(Optional::of).defaultIfEmpty(Optional.empty())
                .zipWith(knowledge.search(bot, question, KNOWLEDGE_ENTRIES)
                        .collectList()
                        // Knowledge unreadable: the upstream still answers, only without the bot's notes.
                        .onErrorReturn(List.of()),
                        (found, entries) -> new Read(found.orElse(null), entries));
    }

    /** The upstream (null when the bot has none) and the best-matching knowledge entries. */
    private record Read(@Nullable OpenAiUpstream upstream, List<KnowledgeEntry> entries) {
    }

    /** Reads started by {@link #prepare}; cancelling the future cancels them. */
    private record Reads(BotId bot, String question, CompletableFuture<Read> result) implements Prepared {
        boolean isFor(ReplyContext context) {
            return bot.equals(context.bot().id()) && question.equals(context.question());
        }

        @Override
        public void discard() {
            result.cancel(false);
        }

        /** Never the question: it is the visitor's text. */
        @Override
        public String toString() {
            return "Reads[" + bot.value() + "]";
        }
    }

    static List<Map<String, String>> messages(ReplyContext context, List<KnowledgeEntry> entries) {
        StringBuilder system = new StringBuilder()
                .append("You are ").append(context.bot().name())
                .append(", the assistant on this website's chat. You greet visitors with: \"")
                .append(context.bot().greeting()).append("\"\n")
                .append("Answer briefly and only from the notes below when they cover the question. ")
                .append("When they do not, say so and offer that the visitor can ask for a human.\n");
        if (entries.isEmpty()) {
            system.append("\nThere are no notes on this question.\n");
        } else {
            system.append("\nNotes:\n");
            for (KnowledgeEntry entry : entries) {
                system.append("\n## ").append(entry.title()).append('\n').append(entry.body()).append('\n');
            }
        }
        return List.of(Map.of("role", "system", "content", system.toString()),
                Map.of("role", "user", "content", context.question()));
    }

    private Flux<String> fallback(ReplyContext context, Throwable e, boolean streamed) {
        String why = e instanceof UpstreamFailure failure ? failure.getMessage() : e.getClass().getSimpleName();
        LOG.warn("OpenAI upstream of bot {} failed ({}){}; answering from the knowledge base", context.bot().id().value(),
                why, streamed ? " after part of the answer" : "");
        StringBuilder said = new StringBuilder();
        Flux<String> knowledgeAnswer = fallback.reply(context)
                .doOnNext(said::append)
                .concatWith(Mono.fromSupplier(() -> mentionsHuman(said) ? "" : HUMAN_OFFER))
                .filter(piece -> !piece.isEmpty())
                // Even the fallback failed (the database is down): end with the human offer rather than an error.
                .onErrorResume(fallbackError -> Flux.just(said.isEmpty() ? HUMAN_OFFER.strip() : HUMAN_OFFER));
        return streamed ? Flux.just(CUT_SHORT).concatWith(knowledgeAnswer) : knowledgeAnswer;
    }

    private static boolean mentionsHuman(CharSequence text) {
        return text.toString().toLowerCase(Locale.ROOT).contains("human");
    }
}
