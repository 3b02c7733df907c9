package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.KnowledgeIndex;
import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

import static io.parley.persistence.postgres.Fixtures.DEMO_BOT;
import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory search against PostgreSQL's own: the same lexemes, the same ranks to the bit and the same entries
 * in the same order, over the demo bot, a generated knowledge base with ties, and generated questions.
 */
class KnowledgeSnapshotTest {
    private static final List<String> WORDS = List.of(
            "refund", "refunds", "refunded", "policy", "policies", "widget", "widgets", "embed", "embedding",
            "password", "login", "logging", "account", "accounts", "billing", "invoice", "invoices", "price",
            "pricing", "cost", "agent", "agents", "human", "humans", "talk", "talking", "connection", "connect",
            "reconnect", "resume", "resuming", "encrypted", "encryption", "backup", "backups", "security",
            "ciphers", "generously", "happily", "running", "runner", "ran", "skies", "dying", "news", "Mobile",
            "APPS", "Android", "the", "a", "is", "how", "do", "I", "my", "what", "can", "you", "don", "t", "s",
            "30", "days", "2FA", "iOS17", "1st", "007");
    private static final String PUNCTUATION = " .,;:!?'\"()\t\n";

    private static final PostgresAdapters ADAPTERS = Fixtures.seededAdapters();
    private static final KnowledgeIndex DATABASE = ADAPTERS.knowledgeIndex();
    private static final DatabaseClient DB = DatabaseClient.create(TestDatabase.connectionFactory());
    private static BotId generated;

    @BeforeAll
    static void generatedBot() {
        WorkspaceId workspace = PostgresBotsTest.newWorkspace();
        generated = Objects.requireNonNull(ADAPTERS.bots().create(workspace, PostgresBotsTest.draft("Generated"), null)
                .block(TIMEOUT)).id();
        Random random = new Random(42);
        List<String[]> entries = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            entries.add(new String[] {"g" + i + "_" + generated.value().substring(0, 6), text(random, 1 + random.nextInt(5)),
                    text(random, 5 + random.nextInt(60))});
        }
        // equal texts under ids whose order differs between byte order and a natural-language collation
        for (String id : List.of("Tie", "tie", "t-ie", "t_ie", "TIE2", "tie2", "a", "B")) {
            entries.add(new String[] {id + "_" + generated.value(), "Refund policy", "Refunds are generous. Refund!"});
        }
        Flux.fromIterable(entries)
                .concatMap(e -> DB.sql("INSERT INTO knowledge_entries (id, bot_id, title, body) VALUES (:id, :bot, :title, :body)")
                        .bind("id", e[0]).bind("bot", generated.value()).bind("title", e[1]).bind("body", e[2])
                        .then())
                .blockLast(TIMEOUT);
    }

    private static String text(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(WORDS.get(random.nextInt(WORDS.size())));
            text.append(random.nextInt(6) == 0 ? ". " : random.nextInt(8) == 0 ? ", " : " ");
        }
        return text.toString();
    }

    private static KnowledgeSnapshot snapshot(BotId bot) {
        return ADAPTERS.knowledgeSnapshots().of(bot, 10_000, 10_000_000).block(TIMEOUT).orElseThrow();
    }

    private static List<String> searchedInDatabase(BotId bot, String question, int max) {
        return DATABASE.search(bot, question, max).map(KnowledgeEntry::id).collectList().block(TIMEOUT);
    }

    private static List<String> searchedInMemory(KnowledgeSnapshot snapshot, String question, int max) {
        return snapshot.search(question, max).orElseThrow(() -> new AssertionError("no answer for: " + question))
                .stream().map(KnowledgeEntry::id).toList();
    }

    private static List<String> databaseLexemes(String text) {
        return Arrays.asList(DB.sql("""
                        SELECT coalesce(array_agg(w ORDER BY w COLLATE "C"), '{}') AS lexemes
                          FROM unnest(tsvector_to_array(to_tsvector('english', :text))) AS w""")
                .bind("text", text)
                .map(row -> row.get("lexemes", String[].class))
                .one()
                .block(TIMEOUT));
    }

    @Test
    void plainTextsGetPostgresqlsLexemes() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of(
                "How do I embed the widget?", "What's the refund policy? Refunds, refunded!", "ok:yes a,b a;b a!b a?b",
                "a(b)c a\"b a'b don't it's", "end. Next end.\nnext x.) y.. z.,", "tabs\tand\r\nlines", "UPPER lower MiXeD",
                "running runs ran runner generously happily skies dying news", "", "  ", "the a is how do I",
                "Refunds within 30 days", "2FA on iOS17 and Android 14", "1,000 users", "1st v2 007 0x1F 1e5 1E5 12ab34",
                "5:30 5;6 5'6 (5) 5! x 5. y", "12345678901234567890123"));
        for (int i = 0; i < 1000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                text.append(random.nextInt(3) == 0 ? PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()))
                        : random.nextInt(4) == 0 ? WORDS.get(random.nextInt(WORDS.size()))
                        : random.nextInt(4) == 0 ? (char) ('0' + random.nextInt(10))
                        : (char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
            }
            texts.add(text.toString());
        }
        for (String text : texts) {
            Optional<List<String>> mine = EnglishLexemes.of(text);
            if (mine.isPresent()) {
                assertThat(mine.get()).as("lexemes of [%s]", text).isEqualTo(databaseLexemes(text));
            } else {
                assertThat(text).as("only a full stop before a letter, a digit or a full stop is not plain here")
                        .containsPattern("\\.[A-Za-z0-9.]");
            }
        }
    }

    @Test
    void textsPostgresqlsParserMayReadOtherwiseGetNoAnswer() {
        for (String text : List.of("3.5 stars", "version 1.2.3", "e.g. this", "node.js", "wait..", "and so on...", "U.S. law", "self-hosting", "a/b", "me@example.com",
                "https://parley.test/x", "café", "under_score", "it’s", "x&y", "<b>bold</b>", "a".repeat(101))) {
            assertThat(EnglishLexemes.of(text)).as(text).isEmpty();
        }
        assertThat(EnglishLexemes.of("a".repeat(100))).isPresent();
    }

    @Test
    void ranksAreTheDatabasesToTheBit() {
        KnowledgeSnapshot snapshot = snapshot(generated);
        Random random = new Random(11);
        for (int i = 0; i < 40; i++) {
            String question = text(random, 1 + random.nextInt(8));
            List<String> lexemes = EnglishLexemes.of(question).orElseThrow();
            if (lexemes.isEmpty()) {
                continue;
            }
            String query = String.join(" | ", lexemes.stream().map(l -> "'" + l + "'").toList());
            List<Object[]> ranks = DB.sql("SELECT search::text AS search, ts_rank(search, CAST(:q AS tsquery))::text AS rank "
                            + "FROM knowledge_entries WHERE bot_id = :bot")
                    .bind("q", query).bind("bot", generated.value())
                    .map(row -> new Object[] {row.get("search", String.class), row.get("rank", String.class)})
                    .all().collectList().block(TIMEOUT);
            assertThat(ranks).hasSize(snapshot.size());
            for (Object[] rank : ranks) {
                assertThat(TsRank.or(lexemes, TsRank.parse((String) rank[0])))
                        .as("rank of %s for %s", rank[0], query).isEqualTo(Float.parseFloat((String) rank[1]));
            }
        }
    }

    @Test
    void theSameEntriesInTheSameOrderAsThePostgresqlSearch() {
        KnowledgeSnapshot demo = snapshot(DEMO_BOT);
        KnowledgeSnapshot mine = snapshot(generated);
        List<String> questions = new ArrayList<>(List.of("how do I embed the widget?",
                "Where do I put the script tag on my website?", "How does my iOS app connect to the WebSocket?",
                "What happens if my connection drops, can I resume?", "Is my data encrypted? Do you keep backups?",
                "Can I talk to a real person?", "Which TLS versions and ciphers do you support?",
                "Do I need a password to log in?", "Can I host it myself with PostgreSQL?", "How much does it cost?",
                "widget key visitor message conversation reply", "refund", "zqxjv blorptang fnord?"));
        Random random = new Random(3);
        for (int i = 0; i < 60; i++) {
            questions.add(text(random, 1 + random.nextInt(10)));
        }
        for (String question : questions) {
            for (int max : new int[] {1, 3, 50}) {
                assertThat(searchedInMemory(demo, question, max)).as("demo bot, %d for [%s]", max, question)
                        .isEqualTo(searchedInDatabase(DEMO_BOT, question, max));
                assertThat(searchedInMemory(mine, question, max)).as("generated bot, %d for [%s]", max, question)
                        .isEqualTo(searchedInDatabase(generated, question, max));
            }
        }
        assertThat(searchedInMemory(mine, "refund policy", 500).stream().filter(id -> !id.startsWith("g")))
                .as("ties by id in byte order")
                .containsExactly("B_" + generated.value(), "TIE2_" + generated.value(), "Tie_" + generated.value(),
                        "a_" + generated.value(), "t-ie_" + generated.value(), "t_ie_" + generated.value(),
                        "tie2_" + generated.value(), "tie_" + generated.value());
    }

    @Test
    void aBlankQuestionOrNoRoomFindsNothingAndAQuestionThatIsNotPlainGetsNoAnswer() {
        KnowledgeSnapshot demo = snapshot(DEMO_BOT);
        assertThat(demo.search("  ", 3)).contains(List.of());
        assertThat(demo.search("embed the widget", 0)).contains(List.of());
        assertThat(demo.search("how do I do it?", 3)).contains(List.of());
        assertThat(demo.search("self-hosting", 3)).isEmpty();
    }

    @Test
    void aBotBeyondTheBoundsIsNotReadIntoMemoryAndAnUnknownBotHasNoEntries() {
        KnowledgeSnapshot demo = snapshot(DEMO_BOT);
        KnowledgeSnapshots snapshots = ADAPTERS.knowledgeSnapshots();
        assertThat(snapshots.of(DEMO_BOT, demo.size(), demo.chars()).block(TIMEOUT)).isPresent();
        assertThat(snapshots.of(DEMO_BOT, demo.size() - 1, demo.chars()).block(TIMEOUT)).isEmpty();
        assertThat(snapshots.of(DEMO_BOT, demo.size(), demo.chars() - 1).block(TIMEOUT)).isEmpty();
        assertThat(snapshots.of(new BotId("b_unknown_bot"), 10, 10).block(TIMEOUT)).hasValueSatisfying(
                unknown -> assertThat(unknown.size()).isZero());
    }

    @Test
    void aDatabaseThatStemsOtherwiseGetsNoSnapshotSoItsOwnSearchAnswers() {
        assertThat(new PostgresKnowledgeSnapshots(DB, "simple").of(DEMO_BOT, 10_000, 10_000_000).block(TIMEOUT))
                .as("the probe read without stemming").isEmpty();
        assertThat(new PostgresKnowledgeSnapshots(DB, "english").of(DEMO_BOT, 10_000, 10_000_000).block(TIMEOUT))
                .isPresent();
        assertThat(EnglishLexemes.of(PostgresKnowledgeSnapshots.PROBE)).as("the probe is plain text").isPresent();
    }

    @Test
    void theVectorTextFormIsReadWithQuotesBackslashesAndLexemesWithoutPositions() {
        Map<String, byte[]> vector = TsRank.parse("'back\\\\slash':3B 'it''s':1A,2,7C 'plain'");
        assertThat(vector).containsOnlyKeys("back\\slash", "it's", "plain");
        assertThat(vector.get("it's")).containsExactly(3, 0, 1);
        assertThat(vector.get("back\\slash")).containsExactly(2);
        assertThat(vector.get("plain")).containsExactly(0);
        assertThat(TsRank.parse("")).isEmpty();
        assertThatThrownBy(() -> TsRank.parse("'unterminated")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TsRank.parse("bare:1")).isInstanceOf(IllegalArgumentException.class);
    }
}
