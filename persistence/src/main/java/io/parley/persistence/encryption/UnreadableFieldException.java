package io.parley.persistence.encryption;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A sealed value that does not decrypt: sealed for another row or column (copied), altered, or under a
 * key this keyset does not hold. Never answered with wrong data: the read fails with this.
 */
public final class UnreadableFieldException extends IllegalStateException {

    public UnreadableFieldException(String field, String row, byte[] ciphertext, Set<Integer> knownKeys,
                                    @Nullable Throwable cause) {
        super(message(field, row, FieldKeysets.keyIdOf(ciphertext), knownKeys), cause);
    }

    private static String message(String field, String row, @Nullable Integer keyId, Set<Integer> knownKeys) {
        String prefix = "cannot decrypt " + field + " of row " + row + ": ";
        if (keyId == null) {
            return prefix + "the stored value is not a Tink ciphertext";
        }
        if (!knownKeys.contains(keyId)) {
            return prefix + "it was sealed with key " + FieldKeysets.keyId(keyId)
                    + ", which the field keyset does not hold (retired, or another installation's keyset)";
        }
        return prefix + "it was sealed with key " + FieldKeysets.keyId(keyId)
                + " for another row or column, or it was altered";
    }
}
