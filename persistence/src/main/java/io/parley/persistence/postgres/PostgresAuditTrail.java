package io.parley.persistence.postgres;

import io.parley.core.model.AuditEvent;
import io.parley.core.port.AuditTrail;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail in PostgreSQL, one hash chain for the deployment: appends take a transaction-scoped
 * advisory lock, so rows from every node get consecutive ids and each links to the one before.
 */
final class PostgresAuditTrail implements AuditTrail {
    private static final long CHAIN_LOCK = 0x7061726c6579L; // "parley"
    private static final byte[] GENESIS = new byte[32];
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    PostgresAuditTrail(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    @Override
    public Mono<Void> record(AuditEvent event) {
        Instant at = Sql.storable(event.at());
        String details = JSON.writeValueAsString(new TreeMap<>(event.details()));
        Mono<Void> append = db.sql("SELECT pg_advisory_xact_lock(:lock)").bind("lock", CHAIN_LOCK).then()
                .then(db.sql("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
                        .map(row -> new Link(Sql.longValue(row, "id"), row.get("hash", byte[].class)))
                        .one()
                        .defaultIfEmpty(new Link(0, GENESIS)))
                .flatMap(previous -> {
                    String operator = event.operator() == null ? null : event.operator().value();
                    byte[] hash = hash(previous.hash(), previous.id() + 1, at, event.kind().wire(), operator,
                            event.clientAddress(), details);
                    var insert = db.sql("""
                                    INSERT INTO audit_events (id, at, kind, operator_id, client_address, details,
                                                              previous_hash, hash, workspace_id)
                                    VALUES (:id, :at, :kind, :operator, :address, :details, :previous, :hash,
                                            :workspace)""")
                            .bind("id", previous.id() + 1)
                            .bind("at", at)
                            .bind("kind", event.kind().wire())
                            .bind("details", details)
                            .bind("previous", previous.hash())
                            .bind("hash", hash);
                    insert = Sql.bindNullable(insert, "operator", operator, String.class);
                    insert = Sql.bindNullable(insert, "address", event.clientAddress(), String.class);
                    insert = Sql.bindNullable(insert, "workspace", event.details().get(AuditEvent.WORKSPACE), String.class);
                    return insert.then();
                });
        return tx.transactional(append);
    }

    /** Walks the chain from the start; the id of the first row whose hash does not hold, or empty when all do. */
    Mono<Long> firstBrokenLink() {
        return tx.transactional(db.sql("""
                        SELECT id, at, kind, operator_id, client_address, details, previous_hash, hash
                          FROM audit_events ORDER BY id""")
                .map(row -> new Row(Sql.longValue(row, "id"), Sql.instant(row, "at"), Sql.string(row, "kind"),
                        Sql.nullableString(row, "operator_id"), Sql.nullableString(row, "client_address"),
                        Sql.string(row, "details"), row.get("previous_hash", byte[].class), row.get("hash", byte[].class)))
                .all()
                .scan(new Check(0, GENESIS, -1), (check, row) -> {
                    if (check.broken() >= 0) {
                        return check;
                    }
                    byte[] expected = hash(check.hash(), row.id(), row.at(), row.kind(), row.operator(), row.address(),
                            row.details());
                    boolean holds = row.id() == check.id() + 1 && MessageDigest.isEqual(row.previous(), check.hash())
                            && MessageDigest.isEqual(row.hash(), expected);
                    return holds ? new Check(row.id(), row.hash(), -1) : new Check(row.id(), row.hash(), row.id());
                })
                .last(new Check(0, GENESIS, -1))
                .flatMap(check -> check.broken() >= 0 ? Mono.just(check.broken()) : Mono.empty()));
    }

    static byte[] hash(byte[] previous, long id, Instant at, String kind, @Nullable String operator,
                       @Nullable String address, String details) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previous);
            String canonical = id + "\n" + at + "\n" + kind + "\n" + (operator == null ? "" : operator) + "\n"
                    + (address == null ? "" : address) + "\n" + details;
            return sha256.digest(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private record Link(long id, byte[] hash) {
    }

    private record Row(long id, Instant at, String kind, @Nullable String operator, @Nullable String address,
                       String details, byte[] previous, byte[] hash) {
    }

    private record Check(long id, byte[] hash, long broken) {
    }

}
