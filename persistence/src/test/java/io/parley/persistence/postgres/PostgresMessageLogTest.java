package io.parley.persistence.postgres;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.port.MessageLog;
import io.parley.core.port.MessageLog.Appended;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.stream.LongStream;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresMessageLogTest {

    private static final Author VISITOR = new Author(AuthorRole.VISITOR, "v_reader", "Visitor");
    private static final Author BOT = new Author(AuthorRole.BOT, DemoWorkspace.DEMO_BOT_ID, "Parley Demo");

    private final RandomIds ids = new RandomIds();
    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final MessageLog log = adapters.messageLog();

    @Test
    void sameClientMsgIdAppendedThreeTimesStoresOneMessage() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        Mono<Appended> send = Mono.defer(() ->
                log.appendClientMessage(conversation, ids.messageId(), VISITOR, "client-1", "hello"));

        StepVerifier.create(send.concatWith(send).concatWith(send).collectList())
                .assertNext(appended -> {
                    assertThat(appended).extracting(Appended::created).containsExactly(true, false, false);
                    assertThat(appended).extracting(a -> a.message().messageId())
                            .containsOnly(appended.get(0).message().messageId());
                    assertThat(appended).extracting(a -> a.message().seq()).containsOnly(1L);
                    assertThat(appended).extracting(Appended::message).containsOnly(appended.get(0).message());
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 100).count())
                .expectNext(1L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void sameClientMsgIdSentToTwoNodesAtOnceStoresOneMessage() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            MessageLog logA = Fixtures.adapters(nodeA).messageLog();
            MessageLog logB = Fixtures.adapters(nodeB).messageLog();
            Flux<Appended> sends = Flux.range(0, 20).flatMap(i -> (i % 2 == 0 ? logA : logB)
                    .appendClientMessage(conversation, ids.messageId(), VISITOR, "same-everywhere", "hi"));

            StepVerifier.create(sends.collectList())
                    .assertNext(appended -> {
                        assertThat(appended).hasSize(20);
                        assertThat(appended).filteredOn(Appended::created).hasSize(1);
                        assertThat(appended).extracting(Appended::message).containsOnly(appended.get(0).message());
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.lastSeq(conversation)).expectNext(1L).expectComplete().verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    @Test
    void twoNodesAppendingFiftyMessagesEachGetSeqsOneToHundredWithoutGapOrDuplicate() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        ConnectionPool nodeA = TestDatabase.newPool(5);
        ConnectionPool nodeB = TestDatabase.newPool(5);
        try {
            MessageLog logA = Fixtures.adapters(nodeA).messageLog();
            MessageLog logB = Fixtures.adapters(nodeB).messageLog();
            Flux<Appended> fromA = Flux.range(1, 50).flatMap(i ->
                    logA.appendClientMessage(conversation, ids.messageId(), VISITOR, "a-" + i, "from a " + i), 8);
            Flux<Appended> fromB = Flux.range(1, 50).flatMap(i ->
                    logB.appendClientMessage(conversation, ids.messageId(), VISITOR, "b-" + i, "from b " + i), 8);

            StepVerifier.create(Flux.merge(fromA, fromB).collectList())
                    .assertNext(appended -> {
                        assertThat(appended).allMatch(Appended::created);
                        assertThat(appended).extracting(a -> a.message().seq())
                                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 1000).map(StoredEvent::seq).collectList())
                    .expectNext(LongStream.rangeClosed(1, 100).boxed().toList())
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.lastSeq(conversation)).expectNext(100L).expectComplete().verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    @Test
    void failedInsertConsumesNoSeq() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        String tooLongClientMsgId = "x".repeat(65);

        StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "first", "one"))
                .expectNextMatches(a -> a.message().seq() == 1)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, tooLongClientMsgId, "x"))
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("events_client_msg_id_check"))
                .verify(TIMEOUT);
        StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "second", "two"))
                .expectNextMatches(a -> a.created() && a.message().seq() == 2)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 100).map(StoredEvent::seq).collectList())
                .expectNext(List.of(1L, 2L))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void failureAfterTheInsertRollsTheEventBackAndConsumesNoSeq() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());
        String name = "fail_test_" + RandomIds.suffix();
        // Fails the seq update that follows the insert of the message whose client id is 'doomed'.
        Mono<Void> createTrigger = db.sql("""
                        CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            IF EXISTS (SELECT 1 FROM events WHERE conversation_id = NEW.id AND seq = NEW.last_seq
                                                              AND client_msg_id = 'doomed') THEN
                                RAISE EXCEPTION 'append refused by test trigger';
                            END IF;
                            RETURN NEW;
                        END $$;
                        CREATE TRIGGER %1$s BEFORE UPDATE OF last_seq ON conversations
                            FOR EACH ROW WHEN (NEW.id = '%2$s') EXECUTE FUNCTION %1$s();"""
                        .formatted(name, conversation.value()))
                .then();
        Mono<Void> dropTrigger = db.sql("DROP TRIGGER %1$s ON conversations; DROP FUNCTION %1$s();".formatted(name))
                .then();

        StepVerifier.create(createTrigger).expectComplete().verify(TIMEOUT);
        try {
            StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "first", "one"))
                    .expectNextMatches(a -> a.message().seq() == 1)
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "doomed", "doomed"))
                    .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("append refused by test trigger"))
                    .verify(TIMEOUT);
            StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "second", "two"))
                    .expectNextMatches(a -> a.created() && a.message().seq() == 2)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            StepVerifier.create(dropTrigger).expectComplete().verify(TIMEOUT);
        }
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 100).cast(StoredEvent.Message.class)
                        .map(m -> m.seq() + ":" + m.text()).collectList())
                .expectNext(List.of("1:one", "2:two"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void readReturnsEventsAfterAndUpToSeqInSeqOrderAtMostMax() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        MessageId replyId = ids.messageId();
        List<StoredEvent> appended = Flux.<StoredEvent>concat(
                        log.appendClientMessage(conversation, ids.messageId(), VISITOR, "q1", "question one")
                                .map(Appended::message),
                        log.appendReply(conversation, replyId, BOT, "answer one", Finish.STOP).map(Appended::message),
                        log.appendHandoff(conversation, HandoffState.REQUESTED, null),
                        log.appendHandoff(conversation, HandoffState.ASSIGNED, "Ada"),
                        log.appendClientMessage(conversation, ids.messageId(), VISITOR, "q2", "question two")
                                .map(Appended::message))
                .collectList()
                .block(TIMEOUT);
        assertThat(appended).extracting(StoredEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);

        StepVerifier.create(log.read(conversation, 1, 4, 10).collectList())
                .expectNext(appended.subList(1, 4))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 2).collectList())
                .expectNext(appended.subList(0, 2))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 5, Long.MAX_VALUE, 10))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 3, 3, 10))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 3, 4, 10))
                .assertNext(event -> assertThat(event).isEqualTo(
                        new StoredEvent.Handoff(conversation, 4, HandoffState.ASSIGNED, "Ada", event.createdAt())))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.lastSeq(conversation)).expectNext(5L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void lastSeqIsZeroForAConversationWithoutEvents() {
        ConversationId conversation = Fixtures.newConversation(adapters);

        StepVerifier.create(log.lastSeq(conversation)).expectNext(0L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 10)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void appendingToAnUnknownConversationFailsWithUnknownConversation() {
        ConversationId unknown = ids.conversationId();

        StepVerifier.create(log.appendClientMessage(unknown, ids.messageId(), VISITOR, "c1", "hello"))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
        StepVerifier.create(log.appendReply(unknown, ids.messageId(), BOT, "answer", Finish.STOP))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
        StepVerifier.create(log.appendHandoff(unknown, HandoffState.REQUESTED, null))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
    }

    @Test
    void replyWithTheSameMessageIdIsStoredOnce() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        MessageId replyId = ids.messageId();
        Mono<Appended> reply = log.appendReply(conversation, replyId, BOT, "partial answer", Finish.INTERRUPTED);

        StepVerifier.create(reply.concatWith(reply).collectList())
                .assertNext(appended -> {
                    assertThat(appended).extracting(Appended::created).containsExactly(true, false);
                    assertThat(appended.get(1).message()).isEqualTo(appended.get(0).message());
                    assertThat(appended.get(0).message().seq()).isEqualTo(1);
                    assertThat(appended.get(0).message().finish()).isEqualTo(Finish.INTERRUPTED);
                    assertThat(appended.get(0).message().clientMsgId()).isNull();
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 10).collectList())
                .assertNext(events -> assertThat(events).singleElement()
                        .isEqualTo(new StoredEvent.Message(conversation, 1, replyId, BOT, "partial answer",
                                events.get(0).createdAt(), null, Finish.INTERRUPTED)))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
