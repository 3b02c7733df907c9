package io.parley.persistence.encryption;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where the keysets are: the field keyset (AEAD), the blind-index keyset (PRF) and, optionally, the
 * key-encryption key that wraps both.
 */
public record EncryptionKeyFiles(Path fieldKeyset, Path blindIndexKeyset, @Nullable Path kek) {

    public KeysetFile fieldKeysetFile() {
        return new KeysetFile(fieldKeyset, kek, KeysetFile.Purpose.FIELD_ENCRYPTION);
    }

    public KeysetFile blindIndexKeysetFile() {
        return new KeysetFile(blindIndexKeyset, kek, KeysetFile.Purpose.BLIND_INDEX);
    }
}
