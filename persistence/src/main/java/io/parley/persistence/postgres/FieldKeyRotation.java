package io.parley.persistence.postgres;

import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import io.parley.persistence.encryption.UnreadableFieldException;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The database side of key rotation: which key sealed how many values of each sealed column (read from
 * the ciphertexts' Tink prefix, no decryption needed), and the re-encryption job that moves values sealed
 * under the keyset's other keys to its primary. The job holds no state of its own: each run selects what is
 * still under an old key, so it can be stopped, crash, or run again at any time and simply goes on.
 */
public final class FieldKeyRotation {
    private static final HexFormat HEX = HexFormat.of();

    /** How many values of {@code field} ({@code table.column}) key {@code keyId} sealed; null: not a Tink ciphertext. */
    public record KeyUsage(String field, @Nullable Integer keyId, long rows) {
    }

    /** One batch of the job: values of {@code field} moved to the primary key, and values that did not open. */
    public record Batch(String field, long resealed, long unreadable) {
    }

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final FieldCodec fields;

    public FieldKeyRotation(ConnectionFactory connectionFactory, FieldEncryption encryption) {
        this.db = DatabaseClient.create(connectionFactory);
        this.tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.fields = new FieldCodec(encryption);
    }

    /** Every sealed column's values counted by the key that sealed them (one full scan of each table). */
    public Flux<KeyUsage> usage() {
        return Flux.fromArray(Sealed.values()).concatMap(column -> db.sql(
                        "SELECT substring(" + column.column + " from 1 for " + FieldKeysets.PREFIX_BYTES + ") AS prefix,"
                                + " count(*) AS n FROM " + column.table + " WHERE " + column.column + " IS NOT NULL"
                                + " GROUP BY 1 ORDER BY 2 DESC")
                .map(row -> new KeyUsage(column.field(), FieldKeysets.keyIdOf(Sql.bytes(row, "prefix")),
                        Sql.longValue(row, "n")))
                .all());
    }

    /** How many values, in all sealed columns, {@code keyId} sealed. */
    public Mono<Long> rowsUnder(int keyId) {
        String prefix = HEX.formatHex(FieldKeysets.prefixOf(keyId));
        return Flux.fromArray(Sealed.values()).concatMap(column -> db.sql(
                        "SELECT count(*) AS n FROM " + column.table + " WHERE " + column.column + " IS NOT NULL AND "
                                + prefixHex(column) + " = :prefix")
                .bind("prefix", prefix)
                .map(row -> Sql.longValue(row, "n"))
                .one())
                .reduce(0L, Long::sum);
    }

    /**
     * Re-seals, under the primary key, every value sealed under another key of the keyset: column by column,
     * {@code batchSize} rows per transaction, in primary-key order. A value changed by live traffic meanwhile
     * is left as written (the update compares the old ciphertext); one that does not open is counted and
     * left alone. Emits one {@link Batch} per transaction.
     */
    public Flux<Batch> reencrypt(int batchSize) {
        if (batchSize < 1) {
            return Flux.error(new IllegalArgumentException("the batch size must be positive"));
        }
        return Flux.defer(() -> {
            FieldEncryption encryption = fields.encryption();
            int primary = encryption.primaryKeyId();
            String[] oldPrefixes = encryption.keyIds().stream()
                    .filter(id -> id != primary)
                    .map(id -> HEX.formatHex(FieldKeysets.prefixOf(id)))
                    .toArray(String[]::new);
            if (oldPrefixes.length == 0) {
                return Flux.empty();
            }
            return Flux.fromArray(Sealed.values())
                    .concatMap(column -> batches(column, oldPrefixes, batchSize));
        });
    }

    private Flux<Batch> batches(Sealed column, String[] oldPrefixes, int batchSize) {
        return batch(column, oldPrefixes, batchSize, null)
                .expand(done -> done.rows() < batchSize ? Mono.empty()
                        : batch(column, oldPrefixes, batchSize, done.lastKey()))
                .map(done -> new Batch(column.field(), done.resealed(), done.unreadable()));
    }

    private record Done(int rows, Object @Nullable [] lastKey, long resealed, long unreadable) {
    }

    private record Stored(Object[] key, byte[] ciphertext) {
    }

    private Mono<Done> batch(Sealed column, String[] oldPrefixes, int batchSize, Object @Nullable [] after) {
        String keys = String.join(", ", column.rowKey);
        StringBuilder sql = new StringBuilder("SELECT ").append(keys).append(", ").append(column.column)
                .append(" AS sealed FROM ").append(column.table).append(" WHERE ").append(column.column)
                .append(" IS NOT NULL AND ").append(prefixHex(column)).append(" = ANY(:old)");
        if (after != null) {
            sql.append(" AND (").append(keys).append(") > (").append(placeholders(column, "after")).append(")");
        }
        sql.append(" ORDER BY ").append(keys).append(" LIMIT :batch");
        DatabaseClient.GenericExecuteSpec select = db.sql(sql.toString())
                .bind("old", oldPrefixes)
                .bind("batch", batchSize);
        if (after != null) {
            select = bindKey(select, column, "after", after);
        }
        return select.map(row -> new Stored(key(row, column), Sql.bytes(row, "sealed")))
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(new Done(0, null, 0, 0))
                        : tx.transactional(Flux.fromIterable(rows).concatMap(stored -> reseal(column, stored))
                                        .collectList())
                                .map(outcomes -> new Done(rows.size(), rows.get(rows.size() - 1).key(),
                                        outcomes.stream().filter(Outcome.RESEALED::equals).count(),
                                        outcomes.stream().filter(Outcome.UNREADABLE::equals).count())));
    }

    private enum Outcome { RESEALED, CHANGED_MEANWHILE, UNREADABLE }

    private Mono<Outcome> reseal(Sealed column, Stored stored) {
        byte[] plaintext;
        try {
            plaintext = fields.openBytes(column, stored.ciphertext(), stored.key());
        } catch (UnreadableFieldException e) {
            // Failure policy: a value that does not open (altered, or copied from another row) stays as it is and
            // is counted; status keeps showing it under its key, so that key cannot be retired meanwhile.
            return Mono.just(Outcome.UNREADABLE);
        }
        DatabaseClient.GenericExecuteSpec update = db.sql("UPDATE " + column.table + " SET " + column.column
                        + " = :resealed WHERE (" + String.join(", ", column.rowKey) + ") = ("
                        + placeholders(column, "key") + ") AND " + column.column + " = :old")
                .bind("resealed", fields.sealBytes(column, plaintext, stored.key()))
                .bind("old", stored.ciphertext());
        return bindKey(update, column, "key", stored.key()).fetch().rowsUpdated()
                .map(rows -> rows > 0 ? Outcome.RESEALED : Outcome.CHANGED_MEANWHILE);
    }

    private static String prefixHex(Sealed column) {
        return "encode(substring(" + column.column + " from 1 for " + FieldKeysets.PREFIX_BYTES + "), 'hex')";
    }

    private static String placeholders(Sealed column, String name) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < column.rowKey.size(); i++) {
            names.add(":" + name + i);
        }
        return String.join(", ", names);
    }

    private static DatabaseClient.GenericExecuteSpec bindKey(DatabaseClient.GenericExecuteSpec spec, Sealed column,
                                                            String name, Object[] key) {
        for (int i = 0; i < column.rowKey.size(); i++) {
            spec = spec.bind(name + i, key[i]);
        }
        return spec;
    }

    /** The row's key columns: text, bigint (seq) or bytea (token_hash, subject_index). */
    private static Object[] key(Readable row, Sealed column) {
        Object[] key = new Object[column.rowKey.size()];
        for (int i = 0; i < key.length; i++) {
            Object value = Objects.requireNonNull(row.get(column.rowKey.get(i)), column.rowKey.get(i));
            if (value instanceof ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                value = bytes;
            }
            key[i] = value;
        }
        return key;
    }
}
