package io.parley.persistence.postgres;

import io.parley.core.model.KnowledgeEntry;
import io.parley.core.port.KnowledgeIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

import static io.parley.persistence.postgres.Fixtures.DEMO_BOT;
import static io.parley.persistence.postgres.Fixtures.LOADTEST_BOT;
import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresKnowledgeIndexTest {

    private final KnowledgeIndex index = Fixtures.seededAdapters().knowledgeIndex();

    @ParameterizedTest(name = "\"{0}\" finds {1} first")
    @CsvSource(delimiter = '|', textBlock = """
            how do I embed the widget?                         | k_demo_embed_widget
            Where do I put the script tag on my website?       | k_demo_embed_widget
            How does my iOS app connect to the WebSocket?      | k_demo_mobile_apps
            What happens if my connection drops, can I resume? | k_demo_resume
            Is my data encrypted? Do you keep backups?         | k_demo_data_protection
            Can I talk to a real person?                       | k_demo_human_handoff
            Which TLS versions and ciphers do you support?     | k_demo_tls_security
            Do I need a password to log in?                    | k_demo_login
            Can I host it myself with PostgreSQL?              | k_demo_self_hosting
            How much does it cost?                             | k_demo_pricing
            """)
    void naturalQuestionFindsTheRightDemoEntryFirst(String question, String expectedEntryId) {
        StepVerifier.create(index.search(DEMO_BOT, question, 3).collectList())
                .assertNext(found -> assertThat(found).first().extracting(KnowledgeEntry::id)
                        .isEqualTo(expectedEntryId))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void foundEntriesCarryTheirBotTitleAndBody() {
        StepVerifier.create(index.search(DEMO_BOT, "how do I embed the widget?", 1))
                .assertNext(entry -> {
                    assertThat(entry.botId()).isEqualTo(DEMO_BOT);
                    assertThat(entry.title()).containsIgnoringCase("embed");
                    assertThat(entry.body()).contains("<script").contains("pk_demo");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void atMostMaxEntriesAreReturned() {
        StepVerifier.create(index.search(DEMO_BOT, "widget key visitor message conversation reply", 2).count())
                .expectNext(2L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void gibberishFindsNothing() {
        StepVerifier.create(index.search(DEMO_BOT, "zqxjv blorptang fnord?", 5)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aQuestionOfStopWordsOnlyFindsNothing() {
        StepVerifier.create(index.search(DEMO_BOT, "how do I do it?", 5)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(index.search(DEMO_BOT, "  ", 5)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void quotesAndBackslashesInTheQuestionAreHarmless() {
        StepVerifier.create(index.search(DEMO_BOT, "it's O'Reilly's \\widget\\ & | ! :* ( embed", 1))
                .assertNext(entry -> assertThat(entry.id()).isEqualTo("k_demo_embed_widget"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anotherBotsEntriesAreNotSearched() {
        StepVerifier.create(index.search(LOADTEST_BOT, "how do I embed the widget?", 5))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
