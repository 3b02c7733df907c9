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
import java.time.Instant;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The message log in table {@code events}. An append is one statement in autocommit that takes the
 * conversation's next seq (last_seq + 1, checked against the row) and inserts the event together, so
 * appenders on any number of nodes take seqs one after another and a failed append stores nothing and
 * consumes no seq. The seq is predicted before the statement (message text is sealed for its row,
 * (conversation id, seq)) from what this node saw last; a wrong prediction stores nothing, and the
 * statement reports the seq to try next.
 */
final class PostgresMessageLog implements MessageLog {

    private static final String EVENT_COLUMNS = """
            conversation_id, seq, kind, message_id, client_msg_id, author_role, author_id, author_name, text,
            finish, handoff_state, agent_name, created_at""";
    private static final String STORED_EVENT_COLUMNS = """
            e.conversation_id, e.seq, e.kind, e.message_id, e.client_msg_id, e.author_role, e.author_id,
            e.author_name, e.text, e.finish, e.handoff_state, e.agent_name, e.created_at""";

    /** Predictions tried before an append waits for the conversation's lock instead (a busy conversation). */
    private static final int PREDICTED_ATTEMPTS = 3;
    private static final int HINTED_CONVERSATIONS = 10_000;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final FieldCodec fields;
    private final LastSeqHints hints = new LastSeqHints(HINTED_CONVERSATIONS);
    private final int predictedAttempts;

    PostgresMessageLog(DatabaseClient db, TransactionalOperator tx, Clock clock, FieldCodec fields) {
        this(db, tx, clock, fields, PREDICTED_ATTEMPTS);
    }

    PostgresMessageLog(DatabaseClient db, TransactionalOperator tx, Clock clock, FieldCodec fields,
                       int predictedAttempts) {
        if (predictedAttempts < 1) {
            throw new IllegalArgumentException("predictedAttempts must be positive");
        }
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.fields = fields;
        this.predictedAttempts = predictedAttempts;
    }

    @Override
    public Mono<Appended> appendClientMessage(ConversationId conversationId, MessageId messageId, Author author,
                                              String clientMsgId, String text) {
        // Failure policy: a database error stores nothing (no seq used) and goes to the caller, unretried.
        return Mono.defer(() -> {
            Instant createdAt = Sql.storable(clock.now());
            return append(conversationId, seq -> appendMessage("client_msg_id", clientMsgId,
                    new StoredEvent.Message(conversationId, seq, messageId, author, text, createdAt, clientMsgId, null)));
        });
    }

    @Override
    public Mono<Appended> appendReply(ConversationId conversationId, MessageId messageId, Author author, String text,
                                      Finish finish) {
        return Mono.defer(() -> {
            Instant createdAt = Sql.storable(clock.now());
            return append(conversationId, seq -> appendMessage("message_id", messageId.value(),
                    new StoredEvent.Message(conversationId, seq, messageId, author, text, createdAt, null, finish)));
        });
    }

    @Override
    public Mono<StoredEvent.Handoff> appendHandoff(ConversationId conversationId, HandoffState state,
                                                   @Nullable String agentName) {
        return Mono.defer(() -> {
            Instant createdAt = Sql.storable(clock.now());
            return append(conversationId, seq ->
                    appendHandoff(new StoredEvent.Handoff(conversationId, seq, state, agentName, createdAt)));
        });
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

    /**
     * Appends at the predicted seq; when the prediction was wrong, again at the seq the statement points to; after
     * {@code predictedAttempts} wrong ones (a busy conversation), under the conversation's lock, in its turn.
     */
    private <T> Mono<T> append(ConversationId conversationId, LongFunction<Mono<Attempt<T>>> appendAt) {
        return append(conversationId, appendAt, hints.lastSeq(conversationId) + 1, predictedAttempts);
    }

    private <T> Mono<T> append(ConversationId conversationId, LongFunction<Mono<Attempt<T>>> appendAt, long seq,
                               int attemptsLeft) {
        return appendAt.apply(seq)
                .switchIfEmpty(Mono.error(() -> new UnknownConversationException(conversationId)))
                .flatMap(attempt -> {
                    hints.saw(conversationId, attempt.lastSeq());
                    T result = attempt.result();
                    if (result != null) {
                        return Mono.just(result);
                    }
                    return attemptsLeft > 1
                            ? append(conversationId, appendAt, attempt.nextSeq(seq), attemptsLeft - 1)
                            : appendLocked(conversationId, appendAt);
                });
    }

    private <T> Mono<T> appendLocked(ConversationId conversationId, LongFunction<Mono<Attempt<T>>> appendAt) {
        return tx.transactional(lockLastSeq(conversationId).flatMap(lastSeq -> appendAt.apply(lastSeq + 1)))
                // after the commit, so that a hint is never ahead of the database
                .flatMap(attempt -> {
                    hints.saw(conversationId, attempt.lastSeq());
                    T result = attempt.result();
                    return result != null ? Mono.just(result)
                            : Mono.error(new IllegalStateException("the seq of " + conversationId
                                    + " moved while its row was locked"));
                });
    }

    private Mono<Long> lockLastSeq(ConversationId conversationId) {
        return db.sql("SELECT last_seq FROM conversations WHERE id = :id FOR UPDATE")
                .bind("id", conversationId.value())
                .map(row -> Sql.longValue(row, "last_seq"))
                .one()
                .switchIfEmpty(Mono.error(() -> new UnknownConversationException(conversationId)));
    }

    /*
     * The append statements below are one round trip each, in autocommit. The UPDATE takes the seq only while
     * it is still the next one (under READ COMMITTED an append that commits first makes it wait for the row and
     * re-check last_seq against the new version, so it then matches nothing) and, for messages, only while the
     * message is not stored yet; the INSERT stores the event only if the UPDATE took the seq; the SELECT reports,
     * from the statement's snapshot, what the caller needs when nothing was stored: the message stored before,
     * or the last seq to predict from again. No row: no such conversation. The unique key on
     * (conversation_id, client_msg_id) and the one on message_id still refuse a second copy if all else failed.
     */

    private Mono<Attempt<Appended>> appendMessage(String keyColumn, String key, StoredEvent.Message message) {
        DatabaseClient.GenericExecuteSpec append = db.sql("""
                        WITH taken AS (
                            UPDATE conversations SET last_seq = :seq
                             WHERE id = :conversationId AND last_seq = :seq - 1
                               AND NOT EXISTS (SELECT 1 FROM events
                                                WHERE conversation_id = :conversationId AND %1$s = :key)
                            RETURNING id),
                        stored AS (
                            INSERT INTO events (conversation_id, seq, kind, message_id, client_msg_id, author_role,
                                                author_id, author_name, text, finish, created_at)
                            SELECT id, :seq, 'message', :messageId, :clientMsgId, :authorRole,
                                   :authorId, :authorName, :text, :finish, :createdAt
                              FROM taken
                            RETURNING seq)
                        SELECT EXISTS (SELECT 1 FROM stored) AS stored, c.last_seq, %2$s
                          FROM conversations c
                          LEFT JOIN events e ON e.conversation_id = c.id AND e.%1$s = :key
                         WHERE c.id = :conversationId""".formatted(keyColumn, STORED_EVENT_COLUMNS))
                .bind("conversationId", message.conversationId().value())
                .bind("seq", message.seq())
                .bind("key", key)
                .bind("messageId", message.messageId().value())
                .bind("authorRole", message.author().role().wire())
                .bind("authorId", message.author().id())
                .bind("authorName", message.author().name())
                .bind("text", fields.seal(Sealed.EVENT_TEXT, message.text(), message.conversationId().value(),
                        message.seq()))
                .bind("createdAt", message.createdAt());
        append = Sql.bindNullable(append, "clientMsgId", message.clientMsgId(), String.class);
        Finish finish = message.finish();
        append = Sql.bindNullable(append, "finish", finish == null ? null : finish.wire(), String.class);
        return append.map(row -> {
                    if (Sql.bool(row, "stored")) {
                        return new Attempt<>(new Appended(message, true), message.seq());
                    }
                    long lastSeq = Sql.longValue(row, "last_seq");
                    return Sql.nullableString(row, "conversation_id") == null
                            ? new Attempt<Appended>(null, lastSeq)
                            : new Attempt<>(new Appended((StoredEvent.Message) event(row), false), lastSeq);
                })
                .one();
    }

    private Mono<Attempt<StoredEvent.Handoff>> appendHandoff(StoredEvent.Handoff handoff) {
        DatabaseClient.GenericExecuteSpec append = db.sql("""
                        WITH taken AS (
                            UPDATE conversations SET last_seq = :seq
                             WHERE id = :conversationId AND last_seq = :seq - 1
                            RETURNING id),
                        stored AS (
                            INSERT INTO events (conversation_id, seq, kind, handoff_state, agent_name, created_at)
                            SELECT id, :seq, 'handoff', :state, :agentName, :createdAt
                              FROM taken
                            RETURNING seq)
                        SELECT EXISTS (SELECT 1 FROM stored) AS stored, last_seq
                          FROM conversations
                         WHERE id = :conversationId""")
                .bind("conversationId", handoff.conversationId().value())
                .bind("seq", handoff.seq())
                .bind("state", handoff.state().wire())
                .bind("createdAt", handoff.createdAt());
        append = Sql.bindNullable(append, "agentName", handoff.agentName(), String.class);
        return append.map(row -> Sql.bool(row, "stored")
                        ? new Attempt<>(handoff, handoff.seq())
                        : new Attempt<StoredEvent.Handoff>(null, Sql.longValue(row, "last_seq")))
                .one();
    }

    /**
     * What one append statement did: {@code result} is the event it stored or the message stored before, null
     * when the predicted seq was not the next one; {@code lastSeq} is the conversation's last seq it saw.
     */
    private record Attempt<T>(@Nullable T result, long lastSeq) {

        /**
         * The seq to predict next. A snapshot that agreed with the prediction means that an append which
         * committed while this one waited for the row took the seq, so the one after it is likely free.
         */
        long nextSeq(long predictedSeq) {
            return lastSeq == predictedSeq - 1 ? predictedSeq + 1 : lastSeq + 1;
        }
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
