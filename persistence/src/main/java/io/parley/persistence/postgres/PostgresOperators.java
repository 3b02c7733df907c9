package io.parley.persistence.postgres;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Clock;
import io.parley.core.port.Operators;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.util.Locale;

/**
 * Operators in table {@code operators}, found through {@code operator_identities}, whose primary key
 * (issuer, blind index of the subject) makes one identity belong to one operator however many nodes race
 * to create it. E-mails and subjects are sealed (a magic-link subject is an e-mail address).
 */
final class PostgresOperators implements Operators {

    private static final String COLUMNS = "o.id, o.email, o.display_name, o.disabled, o.session_version, o.created_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final FieldCodec fields;

    PostgresOperators(DatabaseClient db, TransactionalOperator tx, Clock clock, FieldCodec fields) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.fields = fields;
    }

    @Override
    public Mono<Operator> find(OperatorId id) {
        return db.sql("SELECT " + COLUMNS + " FROM operators o WHERE o.id = :id")
                .bind("id", id.value())
                .map(this::operator)
                .one();
    }

    @Override
    public Mono<Operator> findByIdentity(Identity identity) {
        return Mono.defer(() -> db.sql("SELECT " + COLUMNS + """
                         FROM operator_identities i
                         JOIN operators o ON o.id = i.operator_id
                        WHERE i.issuer = :issuer AND i.subject_index = :subjectIndex""")
                .bind("issuer", identity.issuer())
                .bind("subjectIndex", subjectIndex(identity))
                .map(this::operator)
                .one());
    }

    @Override
    public Mono<Operator> findOrCreate(Identity identity, @Nullable String email, String displayName) {
        // Most logins find their operator. Otherwise one transaction inserts a new operator and then the
        // identity; the identity's insert waits for a concurrent one of the same (issuer, subject) and, when
        // that one committed, does nothing: the new operator is deleted again (nobody else ever saw it) and
        // the select that follows sees the winner's operator.
        return findByIdentity(identity).switchIfEmpty(Mono.defer(() -> tx.transactional(
                Mono.defer(() -> create(identity, normaliseEmail(email), displayName)))));
    }

    @Override
    public Mono<Long> endAllSessions(OperatorId id) {
        // empty for an unknown operator: it has no sessions to end
        return db.sql("UPDATE operators SET session_version = session_version + 1 WHERE id = :id "
                        + "RETURNING session_version")
                .bind("id", id.value())
                .map(row -> Sql.longValue(row, "session_version"))
                .one();
    }

    private Mono<Operator> create(Identity identity, @Nullable String email, String displayName) {
        Operator candidate = new Operator(SecureIds.operatorId(), email, displayName, false, 0,
                Sql.storable(clock.now()));
        DatabaseClient.GenericExecuteSpec insertOperator = db.sql("""
                        INSERT INTO operators (id, email, display_name, disabled, session_version, created_at)
                        VALUES (:id, :email, :displayName, false, 0, :createdAt)""")
                .bind("id", candidate.id().value())
                .bind("displayName", displayName)
                .bind("createdAt", candidate.createdAt());
        insertOperator = Sql.bindNullable(insertOperator, "email",
                fields.sealNullable(Sealed.OPERATOR_EMAIL, email, candidate.id().value()), byte[].class);
        byte[] subjectIndex = subjectIndex(identity);
        Mono<Boolean> identityInserted = db.sql("""
                        INSERT INTO operator_identities (issuer, subject, subject_index, operator_id, created_at)
                        VALUES (:issuer, :subject, :subjectIndex, :operatorId, :createdAt)
                        ON CONFLICT (issuer, subject_index) DO NOTHING""")
                .bind("issuer", identity.issuer())
                .bind("subject", fields.seal(Sealed.OPERATOR_IDENTITY_SUBJECT, identity.subject(), identity.issuer(),
                        subjectIndex))
                .bind("subjectIndex", subjectIndex)
                .bind("operatorId", candidate.id().value())
                .bind("createdAt", candidate.createdAt())
                .fetch()
                .rowsUpdated()
                .map(inserted -> inserted == 1);
        return insertOperator.then()
                .then(identityInserted)
                .flatMap(inserted -> inserted
                        ? Mono.just(candidate)
                        : db.sql("DELETE FROM operators WHERE id = :id")
                                .bind("id", candidate.id().value())
                                .then()
                                .then(findByIdentity(identity)))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "identity " + identity.issuer() + " vanished while its operator was created")));
    }

    /** E-mails are stored trimmed and lower-cased; a blank one is none. */
    static @Nullable String normaliseEmail(@Nullable String email) {
        if (email == null) {
            return null;
        }
        String normalised = email.trim().toLowerCase(Locale.ROOT);
        return normalised.isEmpty() ? null : normalised;
    }

    private byte[] subjectIndex(Identity identity) {
        return fields.index(BlindIndexed.OPERATOR_SUBJECT, identity.issuer(), identity.subject());
    }

    private Operator operator(Readable row) {
        String id = Sql.string(row, "id");
        return new Operator(new OperatorId(id),
                fields.openNullable(Sealed.OPERATOR_EMAIL, Sql.nullableBytes(row, "email"), id),
                Sql.string(row, "display_name"), Sql.bool(row, "disabled"), Sql.longValue(row, "session_version"),
                Sql.instant(row, "created_at"));
    }
}
