/**
 * Field encryption at rest with Google Tink: the keysets (Tink JSON files, optionally wrapped by a
 * key-encryption key), the AEAD that seals protected columns and the PRF of the blind index.
 * {@link io.parley.persistence.encryption.FieldEncryption} is what the adapters use;
 * {@link io.parley.persistence.encryption.KeysetFile} and {@link io.parley.persistence.encryption.FieldKeysets}
 * are what the key-rotation commands edit.
 */
@NullMarked
package io.parley.persistence.encryption;

import org.jspecify.annotations.NullMarked;
