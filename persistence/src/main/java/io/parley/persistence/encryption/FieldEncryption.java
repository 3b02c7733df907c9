package io.parley.persistence.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.PrfSet;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals and opens protected values with the field keyset's AEAD (new values under its primary key; any
 * key of the keyset opens) and computes blind indexes with the blind-index PRF. Loaded from
 * {@link EncryptionKeyFiles}; {@link #watch} re-reads the files when they change, so every node picks up
 * a key added or promoted by the rotation commands without a restart. Thread-safe.
 */
public final class FieldEncryption implements AutoCloseable {
    /** Bytes of a blind index: the whole HMAC-SHA256 output. */
    public static final int BLIND_INDEX_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(FieldEncryption.class);

    private record Keys(Aead aead, PrfSet prf, int blindIndexKeyId, int primaryKeyId, Set<Integer> keyIds,
                        byte @Nullable [] fingerprint) {
    }

    private final AtomicReference<Keys> keys;
    private final @Nullable EncryptionKeyFiles files;
    private final boolean cipherless;
    private @Nullable ScheduledExecutorService reloader;

    private FieldEncryption(Keys keys, @Nullable EncryptionKeyFiles files, boolean cipherless) {
        this.keys = new AtomicReference<>(keys);
        this.files = files;
        this.cipherless = cipherless;
    }

    /** Reads both keysets once; a clear error names a missing, unreadable or unsuitable file. */
    public static FieldEncryption load(EncryptionKeyFiles files) {
        return new FieldEncryption(read(files), files, false);
    }

    /** Like {@link #load}, then checks the files every {@code interval} and takes up changed keysets. */
    public static FieldEncryption watch(EncryptionKeyFiles files, Duration interval) {
        FieldEncryption encryption = load(files);
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-keyset-reload");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        reloader.scheduleWithFixedDelay(encryption::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
        encryption.reloader = reloader;
        return encryption;
    }

    /** From keysets in memory (tests). */
    public static FieldEncryption of(KeysetHandle fieldKeyset, KeysetHandle blindIndexKeyset) {
        return new FieldEncryption(keys(fieldKeyset, blindIndexKeyset, "(in memory)", null), null, false);
    }

    /**
     * Stores values as they are: for bench/encryption only, to measure what encryption costs. Nothing in
     * the application's configuration can select it.
     */
    public static FieldEncryption unencryptedBaselineForBenchmarks() {
        return new FieldEncryption(keys(FieldKeysets.newFieldKeyset(), FieldKeysets.newBlindIndexKeyset(),
                "(baseline)", null), null, true);
    }

    /** {@code plaintext} sealed under the primary key, bound to {@code associatedData}. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        if (cipherless) {
            return plaintext.clone();
        }
        try {
            return keys.get().aead().encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a value: " + e.getMessage(), e);
        }
    }

    /** The plaintext of {@code ciphertext}, sealed with any key of the keyset for exactly {@code associatedData}. */
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (cipherless) {
            return ciphertext.clone();
        }
        return keys.get().aead().decrypt(ciphertext, associatedData);
    }

    /** The keyed hash (HMAC-SHA256) of {@code input}: equal inputs give equal indexes, nothing else does. */
    public byte[] blindIndex(byte[] input) {
        try {
            return keys.get().prf().computePrimary(input, BLIND_INDEX_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute a blind index: " + e.getMessage(), e);
        }
    }

    /** The key new values are sealed with. */
    public int primaryKeyId() {
        return keys.get().primaryKeyId();
    }

    /** The enabled keys: every value sealed with one of them opens. */
    public Set<Integer> keyIds() {
        return keys.get().keyIds();
    }

    /**
     * Re-reads the files if they changed since the last read and takes up the new keysets. Returns true
     * when it did. A blind-index keyset with another key is refused: every stored index would stop matching.
     */
    public boolean reload() {
        EncryptionKeyFiles source = files;
        if (source == null) {
            return false;
        }
        Keys current = keys.get();
        byte[] fingerprint = fingerprint(source);
        if (Arrays.equals(fingerprint, current.fingerprint())) {
            return false;
        }
        Keys next = read(source);
        if (next.blindIndexKeyId() != current.blindIndexKeyId()) {
            throw new IllegalStateException("the blind-index keyset " + source.blindIndexKeyset() + " now holds key "
                    + FieldKeysets.keyId(next.blindIndexKeyId()) + " instead of " + FieldKeysets.keyId(
                    current.blindIndexKeyId()) + ": refused, every stored blind index would stop matching");
        }
        keys.set(next);
        LOG.info("field-encryption keyset reloaded: primary key {}, keys {}", FieldKeysets.keyId(next.primaryKeyId()),
                next.keyIds().stream().map(FieldKeysets::keyId).toList());
        return true;
    }

    @Override
    public void close() {
        ScheduledExecutorService executor = reloader;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            // Failure policy: a bad or half-written file keeps the keysets in use (and says so); the next check retries.
            LOG.error("field-encryption keysets not reloaded, the previous ones stay in use: {}", e.getMessage());
        }
    }

    private static Keys read(EncryptionKeyFiles files) {
        byte[] fingerprint = fingerprint(files);
        return keys(files.fieldKeysetFile().read(), files.blindIndexKeysetFile().read(), files, fingerprint);
    }

    private static byte[] fingerprint(EncryptionKeyFiles files) {
        byte[] field = files.fieldKeysetFile().fingerprint();
        byte[] blindIndex = files.blindIndexKeysetFile().fingerprint();
        byte[] both = Arrays.copyOf(field, field.length + blindIndex.length);
        System.arraycopy(blindIndex, 0, both, field.length, blindIndex.length);
        return both;
    }

    private static Keys keys(KeysetHandle field, KeysetHandle blindIndex, Object source, byte @Nullable [] fingerprint) {
        FieldKeysets.register();
        FieldKeysets.checkFieldKeyset(field, source);
        FieldKeysets.checkBlindIndexKeyset(blindIndex, source);
        Set<Integer> ids = new LinkedHashSet<>();
        for (FieldKeysets.KeyInfo key : FieldKeysets.keys(field)) {
            if (key.status() == KeyStatus.ENABLED) {
                ids.add(key.id());
            }
        }
        try {
            return new Keys(field.getPrimitive(RegistryConfiguration.get(), Aead.class),
                    blindIndex.getPrimitive(RegistryConfiguration.get(), PrfSet.class), blindIndex.getPrimary().getId(),
                    field.getPrimary().getId(), Collections.unmodifiableSet(ids), fingerprint);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unusable keysets " + source + ": " + e.getMessage(), e);
        }
    }
}
