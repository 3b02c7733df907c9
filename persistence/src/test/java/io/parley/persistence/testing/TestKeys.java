package io.parley.persistence.testing;

import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Field-encryption keysets for tests, generated into temporary directories (never a key in the
 * repository): one pair shared by everything in this JVM ({@link #files()}, {@link #encryption()}), with
 * which the shared test database is migrated, and fresh pairs for tests that rotate keys of their own.
 */
public final class TestKeys {

    private TestKeys() {
    }

    /** This JVM's keyset files: the field keyset and the blind-index keyset, unwrapped. */
    public static EncryptionKeyFiles files() {
        return Shared.FILES;
    }

    /** This JVM's field encryption, loaded from {@link #files()}; do not close it. */
    public static FieldEncryption encryption() {
        return Shared.ENCRYPTION;
    }

    /** New keysets (one AES256-GCM key; one PRF key) in a new temporary directory, deleted at exit. */
    public static EncryptionKeyFiles generate() {
        try {
            Path directory = Files.createTempDirectory("parley-test-keysets");
            deleteAtExit(directory);
            EncryptionKeyFiles files = new EncryptionKeyFiles(directory.resolve("field-keyset.json"),
                    directory.resolve("blind-index-keyset.json"), null);
            files.fieldKeysetFile().write(FieldKeysets.newFieldKeyset());
            files.blindIndexKeysetFile().write(FieldKeysets.newBlindIndexKeyset());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteAtExit(Path directory) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }, "test-keysets-delete"));
    }

    private static final class Shared {
        static final EncryptionKeyFiles FILES = generate();
        static final FieldEncryption ENCRYPTION = FieldEncryption.load(FILES);
    }
}
