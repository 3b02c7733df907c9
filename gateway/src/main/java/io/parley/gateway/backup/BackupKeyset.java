package io.parley.gateway.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup keyset " + file
                    + " (parley.backup.keyset-file; create one with: backup new-keyset)", e);
        }
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the backup keyset " + file
                    + " is not a Tink streaming-AEAD keyset in JSON: " + e.getMessage(), e);
        }
    }

    /** Writes a new keyset of one AES256-GCM-HKDF (1 MB segments) key; refuses to overwrite a file. */
    static void create(Path file) {
        try {
            write(file, KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a backup keyset: " + e.getMessage(), e);
        }
    }

    /** Adds a new key and makes it primary; the keys already there stay, so older backups still restore. */
    static int rotate(Path file) {
        try {
            KeysetHandle current = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8),
                    InsecureSecretKeyAccess.get());
            KeysetHandle rotated = KeysetHandle.newBuilder(current)
                    .addEntry(KeysetHandle.generateEntryFromParameters(
                            PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB).withRandomId().makePrimary())
                    .build();
            write(file, rotated, true);
            return rotated.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup keyset " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the backup keyset " + file + " could not be rotated: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, KeysetHandle keyset, boolean replace) throws GeneralSecurityException {
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        Path directory = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".backup-keyset", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temporary, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                if (replace) {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    // a link fails when the file exists, so a keyset that backups depend on is never overwritten
                    Files.createLink(file, temporary);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup keyset " + file + ": " + e, e);
        }
    }
}
