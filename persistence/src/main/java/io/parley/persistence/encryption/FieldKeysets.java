package io.parley.persistence.encryption;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.HmacPrfParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes and edits the keysets: a field keyset holds AES256-GCM keys with Tink's output prefix (the
 * 5 bytes {@code 0x01 || key id} that begin every ciphertext, so a reader and the database alike can tell
 * which key sealed a value); a blind-index keyset holds exactly one HMAC-SHA256 PRF key. Key ids are
 * Tink's unsigned 32-bit ids, written in decimal.
 */
public final class FieldKeysets {

    /** Bytes of Tink's output prefix: version byte 0x01 and the 4-byte big-endian key id. */
    public static final int PREFIX_BYTES = 5;

    private static volatile boolean registered;

    static {
        register();
    }

    private FieldKeysets() {
    }

    /** One key in a keyset, as {@code status} shows it. */
    public record KeyInfo(int id, boolean primary, KeyStatus status) {
        public String idString() {
            return keyId(id);
        }
    }

    public static KeysetHandle newFieldKeyset() {
        try {
            return KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId().makePrimary())
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeysetHandle newBlindIndexKeyset() {
        try {
            return KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedPrfParameters.HMAC_SHA256_PRF)
                            .withRandomId().makePrimary())
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code keyset} with one more AES256-GCM key, enabled but not primary: it decrypts, it does not yet encrypt. */
    public static KeysetHandle withNewKey(KeysetHandle keyset) {
        try {
            return KeysetHandle.newBuilder(keyset)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId())
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ids in {@code after} that {@code before} lacks. */
    public static Set<Integer> addedKeys(KeysetHandle before, KeysetHandle after) {
        Set<Integer> ids = new HashSet<>();
        for (KeyInfo key : keys(after)) {
            ids.add(key.id());
        }
        for (KeyInfo key : keys(before)) {
            ids.remove(key.id());
        }
        return ids;
    }

    /** {@code keyset} with {@code keyId} as its primary: new values are sealed with it. */
    public static KeysetHandle promoted(KeysetHandle keyset, int keyId) {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        int index = indexOf(keyset, keyId);
        if (builder.getAt(index).getStatus() != KeyStatus.ENABLED) {
            throw new IllegalArgumentException("key " + keyId(keyId) + " is not enabled");
        }
        builder.getAt(index).makePrimary();
        return build(builder);
    }

    /** {@code keyset} without {@code keyId}; never its primary. */
    public static KeysetHandle without(KeysetHandle keyset, int keyId) {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        int index = indexOf(keyset, keyId);
        if (builder.getAt(index).isPrimary()) {
            throw new IllegalArgumentException("key " + keyId(keyId) + " is the primary key: promote another one first");
        }
        builder.deleteAt(index);
        return build(builder);
    }

    public static List<KeyInfo> keys(KeysetHandle keyset) {
        List<KeyInfo> keys = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            KeysetHandle.Entry entry = keyset.getAt(i);
            keys.add(new KeyInfo(entry.getId(), entry.isPrimary(), entry.getStatus()));
        }
        return keys;
    }

    /** Refuses a keyset that is not AES256-GCM keys with Tink's output prefix (the rotation commands rely on it). */
    static void checkFieldKeyset(KeysetHandle keyset, Object source) {
        for (int i = 0; i < keyset.size(); i++) {
            KeysetHandle.Entry entry = keyset.getAt(i);
            if (!(entry.getKey().getParameters() instanceof AesGcmParameters aes) || aes.getKeySizeBytes() != 32
                    || aes.getVariant() != AesGcmParameters.Variant.TINK) {
                throw new IllegalStateException("the field-encryption keyset " + source + " must hold AES256-GCM keys "
                        + "with Tink's output prefix (AES256_GCM); key " + keyId(entry.getId()) + " is "
                        + entry.getKey().getParameters());
            }
        }
    }

    /** Refuses a blind-index keyset that is not exactly one HMAC-SHA256 PRF key. */
    static void checkBlindIndexKeyset(KeysetHandle keyset, Object source) {
        if (keyset.size() != 1) {
            throw new IllegalStateException("the blind-index keyset " + source + " must hold exactly one key (a second "
                    + "key would change every stored index; see docs/operations.md), it holds " + keyset.size());
        }
        if (!(keyset.getPrimary().getKey().getParameters() instanceof HmacPrfParameters hmac)
                || hmac.getHashType() != HmacPrfParameters.HashType.SHA256 || hmac.getKeySizeBytes() < 32) {
            throw new IllegalStateException("the blind-index keyset " + source + " must hold an HMAC-SHA256 PRF key "
                    + "(HMAC_SHA256_PRF), not " + keyset.getPrimary().getKey().getParameters());
        }
    }

    /** The 5-byte output prefix of values sealed with {@code keyId}. */
    public static byte[] prefixOf(int keyId) {
        return new byte[] {1, (byte) (keyId >>> 24), (byte) (keyId >>> 16), (byte) (keyId >>> 8), (byte) keyId};
    }

    /** The id of the key that sealed {@code ciphertext}, or null when it does not start with a Tink prefix. */
    public static @org.jspecify.annotations.Nullable Integer keyIdOf(byte[] ciphertext) {
        if (ciphertext.length < PREFIX_BYTES || ciphertext[0] != 1) {
            return null;
        }
        return ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16) | ((ciphertext[3] & 0xff) << 8)
                | (ciphertext[4] & 0xff);
    }

    public static String keyId(int id) {
        return Integer.toUnsignedString(id);
    }

    /** Parses a key id as {@code status} prints it; a clear error for anything else. */
    public static int parseKeyId(String text) {
        try {
            return Integer.parseUnsignedInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a key id (an unsigned 32-bit number, as status shows): " + text);
        }
    }

    static void register() {
        if (registered) {
            return;
        }
        try {
            AeadConfig.register();
            PrfConfig.register();
            registered = true;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot register Tink's AEAD and PRF primitives", e);
        }
    }

    /** The index of {@code keyId}: a builder made from a keyset keeps its entries' order. */
    private static int indexOf(KeysetHandle keyset, int keyId) {
        for (int i = 0; i < keyset.size(); i++) {
            if (keyset.getAt(i).getId() == keyId) {
                return i;
            }
        }
        throw new IllegalArgumentException("the keyset has no key " + keyId(keyId));
    }

    private static KeysetHandle build(KeysetHandle.Builder builder) {
        try {
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
