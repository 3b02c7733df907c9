package io.parley.persistence.postgres;

import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.UnreadableFieldException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;

/**
 * What the adapters' SQL code stores in {@link Sealed} columns and blind indexes, and how it reads them
 * back: the only place where values meet {@link FieldEncryption}.
 */
final class FieldCodec {

    private final FieldEncryption encryption;

    FieldCodec(FieldEncryption encryption) {
        this.encryption = encryption;
    }

    FieldEncryption encryption() {
        return encryption;
    }

    byte[] seal(Sealed column, String value, Object... rowKey) {
        return sealBytes(column, value.getBytes(StandardCharsets.UTF_8), rowKey);
    }

    byte @Nullable [] sealNullable(Sealed column, @Nullable String value, Object... rowKey) {
        return value == null ? null : seal(column, value, rowKey);
    }

    byte[] sealBytes(Sealed column, byte[] value, Object... rowKey) {
        return encryption.seal(value, column.associatedData(rowKey));
    }

    String open(Sealed column, byte[] stored, Object... rowKey) {
        return new String(openBytes(column, stored, rowKey), StandardCharsets.UTF_8);
    }

    @Nullable String openNullable(Sealed column, byte @Nullable [] stored, Object... rowKey) {
        return stored == null ? null : open(column, stored, rowKey);
    }

    byte[] openBytes(Sealed column, byte[] stored, Object... rowKey) {
        try {
            return encryption.open(stored, column.associatedData(rowKey));
        } catch (GeneralSecurityException e) {
            throw new UnreadableFieldException(column.field(), Sealed.describe(rowKey), stored, encryption.keyIds(), e);
        }
    }

    /** The blind index of {@code value} (normalised as {@code kind} says) within {@code scope}. */
    byte[] index(BlindIndexed kind, String scope, String value) {
        String input = "parley\0" + kind.column + "\0" + scope + "\0" + kind.normalise(value);
        return encryption.blindIndex(input.getBytes(StandardCharsets.UTF_8));
    }

    byte @Nullable [] indexNullable(BlindIndexed kind, String scope, @Nullable String value) {
        return value == null ? null : index(kind, scope, value);
    }
}
