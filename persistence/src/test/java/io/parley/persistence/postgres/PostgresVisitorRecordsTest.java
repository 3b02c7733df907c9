package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.DEMO_BOT;
import static io.parley.persistence.postgres.Fixtures.LOADTEST_BOT;
import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.MessageLog;
import io.parley.core.port.VisitorRecords;
import io.parley.persistence.testing.TestDatabase;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class PostgresVisitorRecordsTest {

    private final RandomIds ids = new RandomIds();
    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final VisitorRecords records = adapters.visitorRecords();
    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    private Visitor visitorWithEmail(String email) {
        Visitor visitor = Objects.requireNonNull(adapters.visitors().create(WORKSPACE).block(TIMEOUT));
        adapters.visitors().identify(visitor.id(), WORKSPACE, new VerifiedIdentity("user-" + RandomIds.suffix(), email,
                "Ada Lovelace", null)).block(TIMEOUT);
        return visitor;
    }

    private ConversationId conversationWithMessages(Visitor visitor, io.parley.core.model.BotId bot, int messages) {
        ConversationId conversation = Objects.requireNonNull(
                adapters.conversations().openFor(WORKSPACE, bot, visitor.id()).block(TIMEOUT)).id();
        for (int i = 0; i < messages; i++) {
            append(conversation, visitor.id()).block(TIMEOUT);
        }
        return conversation;
    }

    private Mono<MessageLog.Appended> append(ConversationId conversation, VisitorId visitor) {
        return adapters.messageLog().appendClientMessage(conversation, ids.messageId(),
                new Author(AuthorRole.VISITOR, visitor.value(), "Visitor"), RandomIds.suffix(), "hello");
    }

    private long count(String sql, String id) {
        return Objects.requireNonNull(db.sql(sql).bind("id", id).map(row -> row.get(0, Long.class)).one().block(TIMEOUT));
    }

    @Test
    void aVisitorIsFoundWithItsPersonalDataInItsOwnWorkspaceOnly() {
        Visitor visitor = visitorWithEmail("ada@example.com");

        StepVerifier.create(records.find(WORKSPACE, visitor.id()))
                .assertNext(found -> {
                    assertThat(found.email()).isEqualTo("ada@example.com");
                    assertThat(found.name()).isEqualTo("Ada Lovelace");
                    assertThat(found.verified()).isTrue();
                    assertThat(found.createdAt()).isEqualTo(visitor.createdAt());
                })
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(records.find(new WorkspaceId("w_elsewhere"), visitor.id())).expectComplete().verify(TIMEOUT);
    }

    @Test
    void theEmailFilterIgnoresCase() {
        String email = "Ada." + RandomIds.suffix() + "@Example.com";
        Visitor visitor = visitorWithEmail(email);

        StepVerifier.create(records.page(WORKSPACE, email.toLowerCase(), 10, null))
                .assertNext(page -> assertThat(page.items()).extracting(found -> found.id()).containsExactly(visitor.id()))
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void erasureRemovesTheVisitorItsConversationsAndEventsAndCountsThem() {
        Visitor visitor = visitorWithEmail("erase@example.com");
        ConversationId first = conversationWithMessages(visitor, DEMO_BOT, 3);
        ConversationId second = conversationWithMessages(visitor, LOADTEST_BOT, 2);

        StepVerifier.create(records.erase(WORKSPACE, visitor.id()))
                .expectNext(new VisitorRecords.Erased(2, 5))
                .expectComplete().verify(TIMEOUT);

        assertThat(count("SELECT count(*) FROM visitors WHERE id = :id", visitor.id().value())).isZero();
        assertThat(count("SELECT count(*) FROM conversations WHERE visitor_id = :id", visitor.id().value())).isZero();
        assertThat(count("SELECT count(*) FROM events WHERE conversation_id = :id", first.value())).isZero();
        assertThat(count("SELECT count(*) FROM events WHERE conversation_id = :id", second.value())).isZero();
        StepVerifier.create(records.erase(WORKSPACE, visitor.id())).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anotherWorkspaceCannotEraseAVisitor() {
        Visitor visitor = visitorWithEmail("kept@example.com");

        StepVerifier.create(records.erase(new WorkspaceId("w_elsewhere"), visitor.id())).expectComplete().verify(TIMEOUT);
        assertThat(count("SELECT count(*) FROM visitors WHERE id = :id", visitor.id().value())).isEqualTo(1);
    }

    @Test
    void anAppendRacingTheErasureIsEitherErasedWithItOrRefused() {
        for (int round = 0; round < 10; round++) {
            Visitor visitor = visitorWithEmail("race@example.com");
            ConversationId conversation = conversationWithMessages(visitor, DEMO_BOT, 1);

            Mono<VisitorRecords.Erased> erase = records.erase(WORKSPACE, visitor.id());
            Mono<Boolean> racingAppend = append(conversation, visitor.id()).map(appended -> true)
                    .onErrorResume(MessageLog.UnknownConversationException.class, e -> Mono.just(false));
            StepVerifier.create(Mono.zip(erase, racingAppend))
                    .assertNext(both -> assertThat(both.getT1().events()).isEqualTo(both.getT2() ? 2 : 1))
                    .expectComplete().verify(TIMEOUT);

            assertThat(count("SELECT count(*) FROM events WHERE conversation_id = :id", conversation.value())).isZero();
            assertThat(count("SELECT count(*) FROM visitors WHERE id = :id", visitor.id().value())).isZero();
        }
    }
}
