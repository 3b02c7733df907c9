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
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The message log in table {@code events}. Every append runs in one transaction that locks the
 * conversation row, so appenders on any number of nodes take seqs one after another; a failed append
 * rolls back and consumes no seq. Message text is sealed for its row, (conversation id, seq).
 */
final class PostgresMessageLog implements MessageLog {

    private static final String EVENT_COLUMNS = """
            conversation_id, seq, kind, message_id, client_msg_id, author_role, author_id, author_name, text,
            finish, handoff_state, agent_name, created_at""";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final FieldCodec fields;

    PostgresMessageLog(DatabaseClient db, TransactionalOperator tx, Clock clock, FieldCodec fields) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.fields = fields;
    }

    @Override
    public Mono<Appended> appendClientMessage(ConversationId conversationId, MessageId messageId, Author author,
                                              String clientMsgId, String text) {
        // Failure policy: a database error rolls the whole append back (no seq used) and goes to the caller, unretried.
        return tx.transactional(lockLastSeq(conversationId).flatMap(lastSeq ->
                selectMessage("client_msg_id", conversationId, clientMsgId)
                        .map(existing -> new Appended(existing, false))
                        .switchIfEmpty(Mono.defer(() -> insertMessage(
                                new StoredEvent.Message(conversationId, lastSeq + 1, messageId, author, text,
                                        Sql.storable(clock.now()), clientMsgId, null))))));
    }

    @Override
    public Mono<Appended> appendReply(ConversationId conversationId, MessageId messageId, Author author, String text,
                                      Finish finish) {
        return tx.transactional(lockLastSeq(conversationId).flatMap(lastSeq ->
                selectMessage("message_id", conversationId, messageId.value())
                        .map(existing -> new Appended(existing, false))
                        .switchIfEmpty(Mono.defer(() -> insertMessage(
                                new StoredEvent.Message(conversationId, lastSeq + 1, messageId, author, text,
                                        Sql.storable(clock.now()), null, finish))))));
    }

    @Override
    public Mono<StoredEvent.Handoff> appendHandoff(ConversationId conversationId, HandoffState state,
                                                   @Nullable String agentName) {
        return tx.transactional(lockLastSeq(conversationId).flatMap(lastSeq -> {
            StoredEvent.Handoff handoff = new StoredEvent.Handoff(conversationId, lastSeq + 1, state, agentName,
                    Sql.storable(clock.now()));
            DatabaseClient.GenericExecuteSpec insert = db.sql("""
                            INSERT INTO events (conversation_id, seq, kind, handoff_state, agent_name, created_at)
                            VALUES (:conversationId, :seq, 'handoff', :state, :agentName, :createdAt)""")
                    .bind("conversationId", conversationId.value())
                    .bind("seq", handoff.seq())
                    .bind("state", state.wire())
                    .bind("createdAt", handoff.createdAt());
            insert = Sql.bindNullable(insert, "agentName", agentName, String.class);
            return insert.then()
                    .then(updateLastSeq(conversationId, handoff.seq()))
                    .thenReturn(handoff);
        }));
    }

    @Override
    public Flux<StoredEvent> read(ConversationId conversationId, long afterSeq, long upToSeq, int max) {
        if (max <= 0 || upToSeq <= afterSeq) {
            return Flux.empty();
        }
        return db.sql("SELECT " + EVENT_COLUMNS + """
                         FROM events
                        WHERE conversation_id = :conversationId AND seq > :afterSeq AND seq <= :upToSeq
                        ORDER BY seq
                        LIMIT :max""")
                .bind("conversationId", conversationId.value())
                .bind("afterSeq", afterSeq)
                .bind("upToSeq", upToSeq)
                .bind("max", max)
                .map(this::event)
                .all();
    }

    @Override
    public Mono<Long> lastSeq(ConversationId conversationId) {
        return db.sql("SELECT last_seq FROM conversations WHERE id = :id")
                .bind("id", conversationId.value())
                .map(row -> Sql.longValue(row, "last_seq"))
                .one()
                .defaultIfEmpty(0L);
    }

    private Mono<Long> lockLastSeq(ConversationId conversationId) {
        return db.sql("SELECT last_seq FROM conversations WHERE id = :id FOR UPDATE")
                .bind("id", conversationId.value())
                .map(row -> Sql.longValue(row, "last_seq"))
                .one()
                .switchIfEmpty(Mono.error(() -> new UnknownConversationException(conversationId)));
    }

    private Mono<Void> updateLastSeq(ConversationId conversationId, long seq) {
        return db.sql("UPDATE conversations SET last_seq = :seq WHERE id = :id")
                .bind("seq", seq)
                .bind("id", conversationId.value())
                .then();
    }

    private Mono<StoredEvent.Message> selectMessage(String keyColumn, ConversationId conversationId, String key) {
        return db.sql("SELECT " + EVENT_COLUMNS + " FROM events WHERE conversation_id = :conversationId AND "
                        + keyColumn + " = :key")
                .bind("conversationId", conversationId.value())
                .bind("key", key)
                .map(row -> (StoredEvent.Message) event(row))
                .one();
    }

    private Mono<Appended> insertMessage(StoredEvent.Message message) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("""
                        INSERT INTO events (conversation_id, seq, kind, message_id, client_msg_id, author_role,
                                            author_id, author_name, text, finish, created_at)
                        VALUES (:conversationId, :seq, 'message', :messageId, :clientMsgId, :authorRole,
                                :authorId, :authorName, :text, :finish, :createdAt)""")
                .bind("conversationId", message.conversationId().value())
                .bind("seq", message.seq())
                .bind("messageId", message.messageId().value())
                .bind("authorRole", message.author().role().wire())
                .bind("authorId", message.author().id())
                .bind("authorName", message.author().name())
                .bind("text", fields.seal(Sealed.EVENT_TEXT, message.text(), message.conversationId().value(),
                        message.seq()))
                .bind("createdAt", message.createdAt());
        insert = Sql.bindNullable(insert, "clientMsgId", message.clientMsgId(), String.class);
        Finish finish = message.finish();
        insert = Sql.bindNullable(insert, "finish", finish == null ? null : finish.wire(), String.class);
        return insert.then()
                .then(updateLastSeq(message.conversationId(), message.seq()))
                .thenReturn(new Appended(message, true));
    }

    private StoredEvent event(Readable row) {
        ConversationId conversationId = new ConversationId(Sql.string(row, "conversation_id"));
        long seq = Sql.longValue(row, "seq");
        String kind = Sql.string(row, "kind");
        return switch (kind) {
            case "message" -> {
                String finish = Sql.nullableString(row, "finish");
                yield new StoredEvent.Message(conversationId, seq, new MessageId(Sql.string(row, "message_id")),
                        new Author(AuthorRole.fromWire(Sql.string(row, "author_role")), Sql.string(row, "author_id"),
                                Sql.string(row, "author_name")),
                        fields.open(Sealed.EVENT_TEXT, Sql.bytes(row, "text"), conversationId.value(), seq),
                        Sql.instant(row, "created_at"),
                        Sql.nullableString(row, "client_msg_id"), finish == null ? null : Finish.fromWire(finish));
            }
            case "handoff" -> new StoredEvent.Handoff(conversationId, seq,
                    HandoffState.fromWire(Sql.string(row, "handoff_state")), Sql.nullableString(row, "agent_name"),
                    Sql.instant(row, "created_at"));
            default -> throw new IllegalStateException("unknown event kind " + kind);
        };
    }
}
