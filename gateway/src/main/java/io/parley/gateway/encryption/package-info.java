/**
 * Encryption at rest: where the keysets are ({@link io.parley.gateway.encryption.EncryptionProperties}),
 * the node's field encryption, which takes up changed keyset files by itself, and the key-rotation
 * command ({@code admin encryption-keys}).
 */
@NullMarked
package io.parley.gateway.encryption;

import org.jspecify.annotations.NullMarked;
