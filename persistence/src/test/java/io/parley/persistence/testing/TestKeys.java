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
 * repository): the test database's pair ({@link #files()}, {@link #encryption()}), and fresh pairs for
 * tests that rotate keys of their own ({@link #generate()}). The database's pair lives in
 * {@code <tmp>/parley-test-keysets/<database>/}: made by the first JVM that needs it and used by every
 * later one, because values one JVM seals (the persistence tests') are read by the next (the gateway's),
 * in this run and the next.
 */
public final class TestKeys {

    private TestKeys() {
    }

    /** The test database's keyset files: the field keyset and the blind-index keyset, unwrapped. */
    public static EncryptionKeyFiles files() {
        return Shared.FILES;
    }

    /** The test database's field encryption, loaded from {@link #files()}; do not close it. */
    public static FieldEncryption encryption() {
        return Shared.ENCRYPTION;
    }

    /** Whether this JVM made the test database's keysets (none were there): its sealed values are not theirs. */
    static boolean madeByThisJvm() {
        return Shared.MADE_NOW;
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
        static final Path DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "parley-test-keysets",
                TestDatabase.name());
        static final boolean MADE_NOW = makeIfMissing();
        static final EncryptionKeyFiles FILES = new EncryptionKeyFiles(DIRECTORY.resolve("field-keyset.json"),
                DIRECTORY.resolve("blind-index-keyset.json"), null);
        static final FieldEncryption ENCRYPTION = FieldEncryption.load(FILES);

        /** Generates the pair elsewhere and renames the directory into place: of JVMs racing, one pair wins. */
        private static boolean makeIfMissing() {
            if (Files.isDirectory(DIRECTORY)) {
                return false;
            }
            try {
                Files.createDirectories(DIRECTORY.getParent());
                Path made = Files.createTempDirectory(DIRECTORY.getParent(), TestDatabase.name() + ".new");
                EncryptionKeyFiles files = new EncryptionKeyFiles(made.resolve("field-keyset.json"),
                        made.resolve("blind-index-keyset.json"), null);
                files.fieldKeysetFile().write(FieldKeysets.newFieldKeyset());
                files.blindIndexKeysetFile().write(FieldKeysets.newBlindIndexKeyset());
                try {
                    Files.move(made, DIRECTORY, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    return true;
                } catch (IOException lost) {
                    deleteAtExit(made);
                    return false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
