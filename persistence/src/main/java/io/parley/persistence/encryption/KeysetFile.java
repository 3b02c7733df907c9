package io.parley.persistence.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * One Tink keyset in a JSON file: in the clear ({@code TinkJsonProtoKeysetFormat}), or wrapped by a
 * key-encryption key (KEK) — then the file holds Tink's encrypted-keyset JSON and {@code kekFile} a
 * plain Tink JSON AEAD keyset that decrypts it. The wrapping binds the keyset to its {@link Purpose},
 * so the field keyset and the blind-index keyset cannot be swapped for each other. The backups' keyset
 * is one too (never wrapped).
 */
public final class KeysetFile {

    /** What a keyset is for; its name is the associated data of the KEK wrapping. */
    public enum Purpose {
        FIELD_ENCRYPTION("parley field-encryption keyset", DEV_SECRETS_HINT),
        BLIND_INDEX("parley blind-index keyset", DEV_SECRETS_HINT),
        BACKUP("parley backup keyset", "parley.backup.keyset-file; create one with: backup new-keyset");

        private final String label;
        private final String whereFrom;

        Purpose(String label, String whereFrom) {
            this.label = label;
            this.whereFrom = whereFrom;
        }

        byte[] associatedData() {
            return label.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final String DEV_SECRETS_HINT =
            "scripts/dev-secrets makes one for development; inject one in production, see docs/operations.md";

    private final Path path;
    private final @Nullable Path kekFile;
    private final Purpose purpose;

    public KeysetFile(Path path, @Nullable Path kekFile, Purpose purpose) {
        this.path = path;
        this.kekFile = kekFile;
        this.purpose = purpose;
    }

    public Path path() {
        return path;
    }

    public @Nullable Path kekFile() {
        return kekFile;
    }

    public Purpose purpose() {
        return purpose;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /** The keyset; a clear error names the file when it is missing, unreadable, or not wrapped as configured. */
    public KeysetHandle read() {
        FieldKeysets.register();
        String json = readString(path, purpose + " file", purpose.whereFrom);
        boolean wrapped = json.contains("\"encryptedKeyset\"");
        if (kekFile == null && wrapped) {
            throw new IllegalStateException("the " + purpose + " " + path + " is wrapped by a key-encryption "
                    + "key: set parley.encryption.kek-file (PARLEY_ENCRYPTION_KEK) to the KEK keyset file");
        }
        if (kekFile != null && !wrapped) {
            // A KEK is configured, so a keyset in the clear is a mistake (or a swapped file): never use it.
            throw new IllegalStateException("the " + purpose + " " + path + " is not wrapped although a "
                    + "key-encryption key is configured (" + kekFile + ")");
        }
        try {
            return kekFile == null
                    ? TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
                    : TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, kek(), purpose.associatedData());
        } catch (GeneralSecurityException | RuntimeException e) {
            // Tink reports malformed JSON as runtime exceptions of its JSON parser
            throw new IllegalStateException("cannot read the " + purpose + " " + path
                    + (kekFile == null ? "" : " with the key-encryption key " + kekFile) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the file with {@code keyset} in one atomic rename (readers see the old or the new file,
     * never half of one), readable by the owner only; wrapped when a KEK is configured.
     */
    public void write(KeysetHandle keyset) {
        FieldKeysets.register();
        try {
            String json = kekFile == null
                    ? TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get())
                    : TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, kek(), purpose.associatedData());
            writeAtomically(path, json, true, purpose + " file");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialise the " + purpose + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code keyset} (in the clear) to a file that must not exist yet: one that data depends on is never overwritten. */
    public void writeNew(KeysetHandle keyset) {
        try {
            writeAtomically(path, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()),
                    false, purpose + " file");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialise the " + purpose + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 over the file (and the KEK file): changes whenever either is replaced. */
    byte[] fingerprint() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(readString(path, purpose + " file", purpose.whereFrom).getBytes(StandardCharsets.UTF_8));
            if (kekFile != null) {
                sha256.update(readString(kekFile, "key-encryption key file", DEV_SECRETS_HINT)
                        .getBytes(StandardCharsets.UTF_8));
            }
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Aead kek() throws GeneralSecurityException {
        Path file = kekFile;
        if (file == null) {
            throw new IllegalStateException("no key-encryption key configured");
        }
        FieldKeysets.register();
        KeysetHandle kek = TinkJsonProtoKeysetFormat.parseKeyset(
                readString(file, "key-encryption key file", DEV_SECRETS_HINT), InsecureSecretKeyAccess.get());
        return kek.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /** Writes a new KEK keyset (AES256-GCM) to {@code file}; refuses to overwrite one. */
    public static void createKek(Path file) {
        try {
            writeAtomically(file, TinkJsonProtoKeysetFormat.serializeKeyset(FieldKeysets.newFieldKeyset(),
                    InsecureSecretKeyAccess.get()), false, "key-encryption key file");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readString(Path file, String what, String whereFrom) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the " + what + " " + file + " does not exist (" + whereFrom + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " " + file, e);
        }
    }

    /**
     * Writes through a temporary file, readable by the owner only: renamed over the file when
     * {@code replace}, else linked in place, which fails when the file exists (then nothing is written).
     */
    private static void writeAtomically(Path file, String content, boolean replace, String what) {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
            try {
                if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(temporary, content + "\n", StandardCharsets.UTF_8);
                if (!replace) {
                    Files.createLink(absolute, temporary);
                } else {
                    try {
                        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("the " + what + " " + file + " exists already; kept", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
