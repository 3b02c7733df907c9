package io.parley.gateway.backup;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.parley.persistence.encryption.KeysetFile;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The backups' streaming-AEAD keyset: a Tink keyset in Tink's JSON format, read from a secret file at
 * run time (a Kubernetes Secret in production, {@code .dev/secrets/backup-keyset.json} in development).
 * New backups use its primary key; every key in it still decrypts, so a rotated-out key stays in the
 * file until the last backup made with it has aged out (7 days).
 */
final class BackupKeyset {
    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private BackupKeyset() {
    }

    static StreamingAead load(Path file) {
        KeysetHandle keyset = keysetFile(file).read();
        try {
            return keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the backup keyset " + file + " is not a Tink streaming-AEAD keyset: "
                    + e.getMessage(), e);
        }
    }

    /** Writes a new keyset of one AES256-GCM-HKDF (1 MB segments) key; refuses to overwrite a file. */
    static void create(Path file) {
        try {
            keysetFile(file).writeNew(KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a backup keyset: " + e.getMessage(), e);
        }
    }

    /** Adds a new key and makes it primary; the keys already there stay, so older backups still restore. */
    static int rotate(Path file) {
        KeysetFile keysetFile = keysetFile(file);
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(keysetFile.read())
                    .addEntry(KeysetHandle.generateEntryFromParameters(
                            PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB).withRandomId().makePrimary())
                    .build();
            keysetFile.write(rotated);
            return rotated.size();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the backup keyset " + file + " could not be rotated: " + e.getMessage(), e);
        }
    }

    private static KeysetFile keysetFile(Path file) {
        return new KeysetFile(file, null, KeysetFile.Purpose.BACKUP);
    }
}
