package io.parley.persistence.postgres;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.port.Clock;
import io.parley.core.port.MessageLog;
import io.parley.core.port.MessageLog.Appended;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

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
    void eightNodesAppendingMessagesRepliesAndHandoffsAtOnceGetSeqsOneToNWhoseTextsOpen() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        int nodes = 8;
        int appendsPerNode = 50;
        int total = nodes * appendsPerNode;
        List<ConnectionPool> pools = new ArrayList<>();
        try {
            Map<MessageId, String> textsSent = new ConcurrentHashMap<>();
            List<Flux<StoredEvent>> appenders = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                ConnectionPool pool = TestDatabase.newPool(1);
                pools.add(pool);
                MessageLog nodeLog = Fixtures.adapters(pool).messageLog();
                int n = node;
                appenders.add(Flux.range(0, appendsPerNode).flatMap(i -> {
                    MessageId id = ids.messageId();
                    String text = "node " + n + " append " + i;
                    return switch (i % 3) {
                        case 0 -> Mono.fromRunnable(() -> textsSent.put(id, text))
                                .then(nodeLog.appendClientMessage(conversation, id, VISITOR, "n" + n + "-" + i, text))
                                .map(Appended::message);
                        case 1 -> Mono.fromRunnable(() -> textsSent.put(id, text))
                                .then(nodeLog.appendReply(conversation, id, BOT, text, Finish.STOP))
                                .map(Appended::message);
                        default -> nodeLog.appendHandoff(conversation,
                                i % 2 == 0 ? HandoffState.REQUESTED : HandoffState.RELEASED, null);
                    };
                }, 3));
            }
            List<Long> allSeqs = LongStream.rangeClosed(1, total).boxed().toList();

            StepVerifier.create(Flux.merge(appenders).map(StoredEvent::seq).collectList())
                    .assertNext(seqs -> assertThat(seqs).containsExactlyInAnyOrderElementsOf(allSeqs))
                    .expectComplete()
                    .verify(TIMEOUT);
            // read opens every text with (conversation, seq): a text sealed for another seq would fail here
            StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, total + 1).collectList())
                    .assertNext(events -> {
                        assertThat(events).extracting(StoredEvent::seq).containsExactlyElementsOf(allSeqs);
                        List<StoredEvent.Message> messages = events.stream()
                                .filter(StoredEvent.Message.class::isInstance).map(StoredEvent.Message.class::cast)
                                .toList();
                        assertThat(messages).hasSize(textsSent.size());
                        assertThat(messages).allSatisfy(message ->
                                assertThat(message.text()).isEqualTo(textsSent.get(message.messageId())));
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.lastSeq(conversation)).expectNext((long) total).expectComplete().verify(TIMEOUT);
        } finally {
            pools.forEach(ConnectionPool::dispose);
        }
    }

    @Test
    void sameClientMsgIdAndReplyFromFourNodesWhileOthersAppendStoreOneEventEach() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        MessageId replyId = ids.messageId();
        List<ConnectionPool> pools = new ArrayList<>();
        try {
            List<Flux<Appended>> appenders = new ArrayList<>();
            for (int node = 0; node < 4; node++) {
                ConnectionPool pool = TestDatabase.newPool(2);
                pools.add(pool);
                MessageLog nodeLog = Fixtures.adapters(pool).messageLog();
                int n = node;
                appenders.add(Flux.range(0, 30).flatMap(i -> switch (i % 3) {
                    case 0 -> nodeLog.appendClientMessage(conversation, ids.messageId(), VISITOR, "same", "hi");
                    case 1 -> nodeLog.appendReply(conversation, replyId, BOT, "the answer", Finish.STOP);
                    default -> nodeLog.appendClientMessage(conversation, ids.messageId(), VISITOR,
                            "n" + n + "-" + i, "other");
                }, 4));
            }

            StepVerifier.create(Flux.merge(appenders).collectList())
                    .assertNext(appended -> {
                        assertThat(appended).hasSize(120);
                        List<Appended> same = appended.stream()
                                .filter(a -> "same".equals(a.message().clientMsgId())).toList();
                        List<Appended> replies = appended.stream()
                                .filter(a -> a.message().messageId().equals(replyId)).toList();
                        assertThat(same).hasSize(40).filteredOn(Appended::created).hasSize(1);
                        assertThat(same).extracting(Appended::message).containsOnly(same.get(0).message());
                        assertThat(replies).hasSize(40).filteredOn(Appended::created).hasSize(1);
                        assertThat(replies).extracting(Appended::message).containsOnly(replies.get(0).message());
                        assertThat(appended).filteredOn(Appended::created).hasSize(42)
                                .extracting(a -> a.message().seq())
                                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 42).boxed().toList());
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 1000).map(StoredEvent::seq).collectList())
                    .expectNext(LongStream.rangeClosed(1, 42).boxed().toList())
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            pools.forEach(ConnectionPool::dispose);
        }
    }

    @Test
    void commonCaseAppendIsOneStatementWithoutTransaction() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        StatementLog sent = new StatementLog();
        MessageLog counted = Fixtures.adapters(sent.wrap(TestDatabase.connectionFactory())).messageLog();
        MessageId replyId = ids.messageId();

        StepVerifier.create(counted.appendClientMessage(conversation, ids.messageId(), VISITOR, "c1", "first"))
                .expectNextMatches(a -> a.created() && a.message().seq() == 1)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sent.takeSent()).containsExactly("WITH taken");
        StepVerifier.create(counted.appendReply(conversation, replyId, BOT, "answer", Finish.STOP))
                .expectNextMatches(a -> a.created() && a.message().seq() == 2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sent.takeSent()).containsExactly("WITH taken");
        StepVerifier.create(counted.appendHandoff(conversation, HandoffState.REQUESTED, null))
                .expectNextMatches(h -> h.seq() == 3)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sent.takeSent()).containsExactly("WITH taken");
        StepVerifier.create(counted.appendClientMessage(conversation, ids.messageId(), VISITOR, "c1", "first"))
                .expectNextMatches(a -> !a.created() && a.message().seq() == 1 && a.message().text().equals("first"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(counted.appendReply(conversation, replyId, BOT, "answer", Finish.STOP))
                .expectNextMatches(a -> !a.created() && a.message().seq() == 2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sent.takeSent()).containsExactly("WITH taken", "WITH taken");
        StepVerifier.create(log.lastSeq(conversation)).expectNext(3L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void staleSeqHintAfterAnotherNodeAppendedStillGivesTheNextSeqInTwoStatements() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        StatementLog sentByA = new StatementLog();
        StatementLog sentByB = new StatementLog();
        MessageLog nodeA = Fixtures.adapters(sentByA.wrap(TestDatabase.connectionFactory())).messageLog();
        MessageLog nodeB = Fixtures.adapters(sentByB.wrap(TestDatabase.connectionFactory())).messageLog();

        StepVerifier.create(nodeA.appendClientMessage(conversation, ids.messageId(), VISITOR, "a1", "a one"))
                .expectNextMatches(a -> a.message().seq() == 1)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sentByA.takeSent()).containsExactly("WITH taken");
        // B knows nothing of the conversation yet: its first append learns the last seq, then appends
        StepVerifier.create(nodeB.appendReply(conversation, ids.messageId(), BOT, "b one", Finish.STOP))
                .expectNextMatches(a -> a.created() && a.message().seq() == 2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sentByB.takeSent()).containsExactly("WITH taken", "WITH taken");
        StepVerifier.create(nodeB.appendHandoff(conversation, HandoffState.REQUESTED, null))
                .expectNextMatches(h -> h.seq() == 3)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sentByB.takeSent()).containsExactly("WITH taken");
        // A's hint says 1, the conversation is at 3
        StepVerifier.create(nodeA.appendClientMessage(conversation, ids.messageId(), VISITOR, "a2", "a two"))
                .expectNextMatches(a -> a.created() && a.message().seq() == 4)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sentByA.takeSent()).containsExactly("WITH taken", "WITH taken");
        StepVerifier.create(nodeA.appendHandoff(conversation, HandoffState.RELEASED, null))
                .expectNextMatches(h -> h.seq() == 5)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sentByA.takeSent()).containsExactly("WITH taken");

        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 10)
                        .map(e -> e.seq() + ":" + (e instanceof StoredEvent.Message m ? m.text() : "handoff"))
                        .collectList())
                .expectNext(List.of("1:a one", "2:b one", "3:handoff", "4:a two", "5:handoff"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void appendWhosePredictionsAreUsedUpTakesTheConversationsLock() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        StepVerifier.create(log.appendClientMessage(conversation, ids.messageId(), VISITOR, "first", "one"))
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
        StatementLog sent = new StatementLog();
        ConnectionFactory connections = sent.wrap(TestDatabase.connectionFactory());
        MessageLog onePrediction = new PostgresMessageLog(DatabaseClient.create(connections),
                TransactionalOperator.create(new R2dbcTransactionManager(connections)), Clock.system(),
                new FieldCodec(TestKeys.encryption()), 1);

        StepVerifier.create(onePrediction.appendClientMessage(conversation, ids.messageId(), VISITOR, "second", "two"))
                .expectNextMatches(a -> a.created() && a.message().seq() == 2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sent.takeSent()).containsExactly("WITH taken",
                "beginTransaction", "SELECT last_seq", "WITH taken", "commitTransaction");
        StepVerifier.create(onePrediction.appendClientMessage(conversation, ids.messageId(), VISITOR, "first", "one"))
                .expectNextMatches(a -> !a.created() && a.message().seq() == 1)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(onePrediction.appendHandoff(ids.conversationId(), HandoffState.REQUESTED, null))
                .expectError(MessageLog.UnknownConversationException.class)
                .verify(TIMEOUT);
        StepVerifier.create(log.read(conversation, 0, Long.MAX_VALUE, 10).cast(StoredEvent.Message.class)
                        .map(m -> m.seq() + ":" + m.text()).collectList())
                .expectNext(List.of("1:one", "2:two"))
                .expectComplete()
                .verify(TIMEOUT);
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
        // Fails the append of the message whose client id is 'doomed' once its event is inserted (an AFTER trigger
        // runs at the end of the statement, when the conversation's last_seq has been moved too).
        Mono<Void> createTrigger = db.sql("""
                        CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            RAISE EXCEPTION 'append refused by test trigger';
                        END $$;
                        CREATE TRIGGER %1$s AFTER INSERT ON events
                            FOR EACH ROW WHEN (NEW.conversation_id = '%2$s' AND NEW.client_msg_id = 'doomed')
                            EXECUTE FUNCTION %1$s();"""
                        .formatted(name, conversation.value()))
                .then();
        Mono<Void> dropTrigger = db.sql("DROP TRIGGER %1$s ON events; DROP FUNCTION %1$s();".formatted(name))
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
