package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.DatedKnowledgeEntry;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.Page;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.KnowledgeBase;
import io.parley.core.port.KnowledgeIndex;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresKnowledgeBaseTest {

    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final KnowledgeBase knowledge = adapters.knowledgeBase();
    private final KnowledgeIndex index = adapters.knowledgeIndex();

    private BotId newBot() {
        WorkspaceId workspace = PostgresBotsTest.newWorkspace();
        return Objects.requireNonNull(adapters.bots().create(workspace, PostgresBotsTest.draft("Knows"), null)
                .block(TIMEOUT)).id();
    }

    @Test
    void anEntryIsCreatedReadUpdatedAndDeletedAndTheIndexFollows() {
        BotId bot = newBot();
        DatedKnowledgeEntry created = Objects.requireNonNull(
                knowledge.create(bot, "Opening hours", "We are open from nine to five.").block(TIMEOUT));
        assertThat(created.entry().id()).matches("ke_[A-Za-z0-9_-]{22}");
        StepVerifier.create(knowledge.find(bot, created.entry().id()))
                .expectNext(created).expectComplete().verify(TIMEOUT);

        StepVerifier.create(knowledge.update(bot, created.entry().id(), "Refunds", "Refunds take ten days."))
                .assertNext(updated -> assertThat(updated.entry())
                        .isEqualTo(new KnowledgeEntry(created.entry().id(), bot, "Refunds", "Refunds take ten days.")))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(index.search(bot, "how long do refunds take", 3).map(KnowledgeEntry::id))
                .expectNext(created.entry().id()).expectComplete().verify(TIMEOUT);

        StepVerifier.create(knowledge.delete(bot, created.entry().id())).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(knowledge.delete(bot, created.entry().id())).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(index.search(bot, "refunds", 3)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anotherBotsEntryIsNotFound() {
        BotId mine = newBot();
        BotId theirs = newBot();
        String id = Objects.requireNonNull(knowledge.create(mine, "Mine", "Only mine.").block(TIMEOUT)).entry().id();

        StepVerifier.create(knowledge.find(theirs, id)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(knowledge.update(theirs, id, "x", "y")).expectComplete().verify(TIMEOUT);
        StepVerifier.create(knowledge.delete(theirs, id)).expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anImportAppendsInTheDocumentsOrderOrReplacesAndTheIndexFindsItsEntries() {
        BotId bot = newBot();
        String old = Objects.requireNonNull(knowledge.create(bot, "Old", "Old text about parrots.").block(TIMEOUT))
                .entry().id();

        List<String> appended = Objects.requireNonNull(knowledge.importAll(bot, List.of(
                new KnowledgeBase.Draft("Shipping", "We ship parcels worldwide within three days."),
                new KnowledgeBase.Draft("Warranty", "Every kettle has a two year warranty.")), false).block(TIMEOUT));
        assertThat(appended).hasSize(2);
        StepVerifier.create(knowledge.list(bot, 10, null).map(page -> page.items().stream()
                        .map(entry -> entry.entry().id()).toList()))
                .expectNext(List.of(old, appended.get(0), appended.get(1)))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(index.search(bot, "is my kettle under warranty?", 1).map(KnowledgeEntry::id))
                .expectNext(appended.get(1)).expectComplete().verify(TIMEOUT);

        List<String> replaced = Objects.requireNonNull(knowledge.importAll(bot, List.of(
                new KnowledgeBase.Draft("Returns", "Return anything within thirty days.")), true).block(TIMEOUT));
        StepVerifier.create(knowledge.list(bot, 10, null).map(page -> page.items().stream()
                        .map(entry -> entry.entry().id()).toList()))
                .expectNext(replaced)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(index.search(bot, "parrots shipping warranty", 5)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aFailingImportStoresNothing() {
        BotId bot = newBot();
        String kept = Objects.requireNonNull(knowledge.create(bot, "Kept", "Still here.").block(TIMEOUT)).entry().id();
        // a NUL character is refused by PostgreSQL text: the second entry fails after the delete and first insert
        List<KnowledgeBase.Draft> failing = List.of(new KnowledgeBase.Draft("Fine", "Fine body."),
                new KnowledgeBase.Draft("Broken", "nul \u0000 inside"));

        StepVerifier.create(knowledge.importAll(bot, failing, true)).expectError().verify(TIMEOUT);

        StepVerifier.create(knowledge.list(bot, 10, null).map(page -> page.items().stream()
                        .map(entry -> entry.entry().id()).toList()))
                .expectNext(List.of(kept)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void listsPageThroughManyEntries() {
        BotId bot = newBot();
        List<KnowledgeBase.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            drafts.add(new KnowledgeBase.Draft("Entry " + i, "Body " + i));
        }
        List<String> ids = Objects.requireNonNull(knowledge.importAll(bot, drafts, false).block(TIMEOUT));
        List<String> seen = new ArrayList<>();
        Page<DatedKnowledgeEntry> page = Objects.requireNonNull(knowledge.list(bot, 2, null).block(TIMEOUT));
        while (true) {
            page.items().forEach(entry -> seen.add(entry.entry().id()));
            if (page.next() == null) {
                break;
            }
            page = Objects.requireNonNull(knowledge.list(bot, 2, page.next()).block(TIMEOUT));
        }
        assertThat(seen).isEqualTo(ids);
    }
}
