package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The bot's entries with their stored {@code search} vectors in text form, read in one query. Before the first,
 * it checks once that the database's English stemming is this node's ({@link EnglishLexemes}) on a probe text of
 * many word forms; a database that stems otherwise (another PostgreSQL major version may bring another Snowball)
 * gets no snapshot, so its own search answers every question.
 */
final class PostgresKnowledgeSnapshots implements KnowledgeSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresKnowledgeSnapshots.class);
    static final String PROBE = """
            Refunds are refunded generously; happily, the runner ran running races. Skies, dying, lying, news,
            innings, outing, canning, howling, earring, proceed, exceed, succeeding, generate, generation,
            communism, arsenal, universities, capabilities, relational, conditional, rational, valenci, hesitanci,
            digitizer, conformabli, radicalli, differentli, vileli, analogousli, vietnamization, predication,
            operator, feudalism, decisiveness, hopefulness, callousness, formaliti, sensitiviti, sensibiliti,
            triplicate, formative, formalize, electriciti, electrical, hopeful, goodness, revival, allowance,
            inference, airliner, gyroscopic, adjustable, defensible, irritant, replacement, adjustment, dependent,
            adoption, homologou, activate, angulariti, homologous, effective, bowdlerize, probate, rate,
            cease, controll, roll, agreed, plastered, bled, motoring, sing, conflated, troubled, sized, hopping,
            tanned, falling, hissing, fizzed, failing, filing, happy, sky, embedding, widgets, password, logging,
            accounts, billing, invoices, pricing, agents, humans, talking, connections, reconnecting, resuming,
            encrypted, encryption, backups, security, ciphers, mobile, apps, android, iOS, webhooks, tokens,
            generosity, organization, organizational, national, nationality, fairly, quickly, played,
            playing, plays, studies, studying, studied, cries, crying, flies, dies, ties, atlas, cosmos, bias, andes,
            gently, ugly, early, only, singly, consign, consigned, consigning, consignment, consist, consisted
            """.replace('\n', ' ');

    private final DatabaseClient db;
    private final String textSearchConfig;
    private final Mono<Boolean> stemsAsWeDo;

    PostgresKnowledgeSnapshots(DatabaseClient db) {
        this(db, "english");
    }

    /** {@code textSearchConfig}: the configuration the probe is read with; tests give another to see it refused. */
    PostgresKnowledgeSnapshots(DatabaseClient db, String textSearchConfig) {
        this.db = db;
        this.textSearchConfig = textSearchConfig;
        this.stemsAsWeDo = checkStemming().cacheInvalidateIf(agrees -> false);
    }

    private Mono<Boolean> checkStemming() {
        List<String> ours = EnglishLexemes.of(PROBE).orElseThrow();
        return db.sql("""
                        SELECT coalesce(array_agg(w ORDER BY w COLLATE "C"), '{}') AS lexemes
                          FROM unnest(tsvector_to_array(to_tsvector(CAST(:config AS regconfig), :probe))) AS w""")
                .bind("config", textSearchConfig)
                .bind("probe", PROBE)
                .map(row -> List.of(row.get("lexemes", String[].class)))
                .one()
                .map(theirs -> {
                    boolean same = theirs.equals(ours);
                    if (!same) {
                        LOG.warn("PostgreSQL's English stemming differs from this node's: knowledge entries are "
                                + "searched in PostgreSQL for every question");
                    }
                    return same;
                });
    }

    @Override
    public Mono<Optional<KnowledgeSnapshot>> of(BotId bot, int maxEntries, long maxChars) {
        if (maxEntries < 0 || maxChars < 0) {
            return Mono.error(new IllegalArgumentException("maxEntries and maxChars must not be negative"));
        }
        // A failed check is not kept (the read fails with it); an answer is kept for the node's life.
        return stemsAsWeDo.flatMap(same -> same ? read(bot, maxEntries, maxChars) : Mono.just(Optional.empty()));
    }

    private Mono<Optional<KnowledgeSnapshot>> read(BotId bot, int maxEntries, long maxChars) {
        return Mono.defer(() -> {
            // one subscription's running totals: reading stops at the first entry beyond a bound
            long[] seen = {0, 0};
            boolean[] tooMany = {false};
            return db.sql("""
                            SELECT id, title, body, search::text AS search
                              FROM knowledge_entries
                             WHERE bot_id = :bot
                             ORDER BY id COLLATE "C"
                             LIMIT :limit""")
                    .bind("bot", bot.value())
                    .bind("limit", maxEntries + 1L)
                    .map(row -> new KnowledgeSnapshot.Indexed(new KnowledgeEntry(Sql.string(row, "id"), bot,
                            Sql.string(row, "title"), Sql.string(row, "body")), TsRank.parse(Sql.string(row, "search"))))
                    .all()
                    .takeWhile(indexed -> {
                        seen[0]++;
                        seen[1] += indexed.entry().title().length() + indexed.entry().body().length();
                        tooMany[0] = seen[0] > maxEntries || seen[1] > maxChars;
                        return !tooMany[0];
                    })
                    .collectList()
                    .map(entries -> tooMany[0] ? Optional.<KnowledgeSnapshot>empty()
                            : Optional.of(new KnowledgeSnapshot(entries)));
        });
    }
}
