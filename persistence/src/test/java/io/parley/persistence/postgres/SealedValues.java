package io.parley.persistence.postgres;

import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.testing.TestKeys;

/**
 * Sealed values and blind indexes exactly as the adapters write them, for tests that write or read rows
 * with plain SQL (published in the test-jar). Columns are named as in the schema, e.g.
 * {@code seal("visitors", "email", "ada@example.com", visitorId)}; the row key in {@link Sealed}'s order.
 */
public final class SealedValues {
    private final FieldCodec fields;

    private SealedValues(FieldEncryption encryption) {
        this.fields = new FieldCodec(encryption);
    }

    /** With this JVM's test keysets ({@link TestKeys}). */
    public static SealedValues shared() {
        return Shared.INSTANCE;
    }

    public static SealedValues with(FieldEncryption encryption) {
        return new SealedValues(encryption);
    }

    public byte[] seal(String table, String column, String value, Object... rowKey) {
        return fields.seal(column(table, column), value, rowKey);
    }

    public byte[] sealBytes(String table, String column, byte[] value, Object... rowKey) {
        return fields.sealBytes(column(table, column), value, rowKey);
    }

    /** The plaintext of a stored value; an {@code UnreadableFieldException} when it does not open for this row. */
    public String open(String table, String column, byte[] stored, Object... rowKey) {
        return fields.open(column(table, column), stored, rowKey);
    }

    public byte[] visitorEmailIndex(String workspace, String email) {
        return fields.index(BlindIndexed.VISITOR_EMAIL, workspace, email);
    }

    public byte[] visitorExternalIdIndex(String workspace, String subject) {
        return fields.index(BlindIndexed.VISITOR_EXTERNAL_ID, workspace, subject);
    }

    public byte[] operatorSubjectIndex(String issuer, String subject) {
        return fields.index(BlindIndexed.OPERATOR_SUBJECT, issuer, subject);
    }

    private static Sealed column(String table, String column) {
        for (Sealed sealed : Sealed.values()) {
            if (sealed.table.equals(table) && sealed.column.equals(column)) {
                return sealed;
            }
        }
        throw new IllegalArgumentException(table + "." + column + " is not a sealed column");
    }

    private static final class Shared {
        static final SealedValues INSTANCE = new SealedValues(TestKeys.encryption());
    }
}
