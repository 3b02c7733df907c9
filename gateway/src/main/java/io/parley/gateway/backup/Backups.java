package io.parley.gateway.backup;

import com.google.crypto.tink.StreamingAead;
import io.parley.core.port.Clock;
import io.parley.gateway.config.DatabaseProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backups in one directory: {@link #create()} streams {@code pg_dump} through the keyset's streaming
 * AEAD into a file named by its creation time; only ciphertext ever reaches the disk (a hidden
 * {@code .…partial} file while it is written, renamed once pg_dump succeeded). {@link #restore} checks
 * the whole file decrypts before it touches the target database. {@link #prune()} applies
 * {@link RetentionPolicy}. Blocking: run it off event-loop threads.
 */
final class Backups {
    private static final Pattern PARTIAL = Pattern.compile("\\.(parley-.+\\.pgdump\\.tink)\\.partial");
    /** A partial file this old belongs to no running backup (the timeout stops each much sooner). */
    private static final Duration STALE_PARTIAL = Duration.ofDays(1);

    private final Path directory;
    private final StreamingAead aead;
    private final PostgresTools tools;
    private final PgTarget source;
    private final Clock clock;

    Backups(Path directory, StreamingAead aead, PostgresTools tools, PgTarget source, Clock clock) {
        this.directory = directory;
        this.aead = aead;
        this.tools = tools;
        this.source = source;
        this.clock = clock;
    }

    /** The backups of {@code properties} (which must name a directory and a keyset) of the configured database. */
    static Backups configured(BackupProperties properties, DatabaseProperties database, Clock clock) {
        if (properties.directory() == null || properties.directory().toString().isBlank()) {
            throw new BackupException("parley.backup.directory is not set (PARLEY_BACKUP_DIR)");
        }
        if (properties.keysetFile() == null || properties.keysetFile().toString().isBlank()) {
            throw new BackupException("parley.backup.keyset-file is not set (PARLEY_BACKUP_KEYSET)");
        }
        PgTarget source = properties.databaseUrl().isBlank()
                ? PgTarget.fromJdbc(database.jdbcUrl(), database.username(), database.password())
                : new PgTarget(properties.databaseUrl(), database.password().isEmpty() ? null : database.password());
        return new Backups(properties.directory(), BackupKeyset.load(properties.keysetFile()),
                new PostgresTools(properties.pgBinDir(), properties.timeout()), source, clock);
    }

    record Stored(BackupName name, long size) {
    }

    record Created(BackupName name, long size, Duration took) {
    }

    record Restored(BackupName name, PgTarget target, long relations, boolean replaced) {
    }

    record Pruned(List<BackupName> deleted, List<BackupName> kept) {
    }

    Path directory() {
        return directory;
    }

    Created create() {
        Instant started = clock.now();
        BackupName name = BackupName.at(started);
        Path file = directory.resolve(name.fileName());
        Path partial = directory.resolve("." + name.fileName() + ".partial");
        try {
            createDirectory();
            if (Files.exists(file)) {
                throw new BackupException("a backup named " + name + " exists already");
            }
            try (OutputStream ciphertext = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
                 OutputStream encrypting = aead.newEncryptingStream(ciphertext, name.associatedData())) {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
                tools.dump(source, encrypting);
            }
            try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            return new Created(name, Files.size(file), Duration.between(started, clock.now()));
        } catch (IOException | GeneralSecurityException e) {
            deleteQuietly(partial);
            throw new BackupException("backup " + name + " failed: " + e, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /** Every backup in the directory, oldest first; other files are left out. */
    List<Stored> list() {
        List<Stored> backups = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return backups;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Optional<BackupName> name = BackupName.parse(file.getFileName().toString());
                if (name.isPresent() && Files.isRegularFile(file)) {
                    backups.add(new Stored(name.get(), Files.size(file)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the backups in " + directory, e);
        }
        backups.sort(Comparator.comparing(Stored::name));
        return backups;
    }

    /** Decrypts the whole backup without keeping anything; fails when any part of it does not decrypt. */
    BackupName verify(String fileName) {
        BackupName name = existing(fileName);
        try (InputStream plaintext = decrypting(name)) {
            byte[] buffer = new byte[64 * 1024];
            while (plaintext.read(buffer) >= 0) {
                // reading is the check: each segment is authenticated as it is decrypted
            }
            return name;
        } catch (IOException e) {
            throw new BackupException("backup " + name + " does not decrypt: it was changed, truncated or renamed,"
                    + " or the keyset is not the one it was made with (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Restores a backup into {@code target}. An empty target (no table, view or sequence outside the
     * system schemas) is required unless {@code replace}; then the backup's objects are dropped first.
     * The backup is verified whole before anything is sent, and pg_restore runs in one transaction.
     */
    Restored restore(String fileName, PgTarget target, boolean replace) {
        BackupName name = existing(fileName);
        long existingRelations = tools.userRelations(target);
        if (existingRelations > 0 && !replace) {
            throw new BackupException(target.display() + " is not empty (" + existingRelations + " tables, views or"
                    + " sequences): restore into a new empty database (createdb), or pass --force to replace the"
                    + " objects the backup holds");
        }
        verify(fileName);
        try (InputStream plaintext = decrypting(name)) {
            tools.restore(plaintext, target, existingRelations > 0);
        } catch (IOException e) {
            throw new BackupException("cannot read backup " + name + ": " + e.getMessage(), e);
        }
        return new Restored(name, target, tools.userRelations(target), existingRelations > 0);
    }

    /** Deletes what {@link RetentionPolicy} says (and stale partial files of crashed runs). */
    Pruned prune() {
        Instant now = clock.now();
        List<BackupName> all = list().stream().map(Stored::name).toList();
        Set<BackupName> doomed = RetentionPolicy.toDelete(all, now);
        List<BackupName> deleted = new ArrayList<>();
        for (BackupName name : doomed) {
            try {
                Files.deleteIfExists(directory.resolve(name.fileName()));
                deleted.add(name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete backup " + name + " (deleted so far: " + deleted + ")", e);
            }
        }
        deleteStalePartials(now);
        return new Pruned(deleted, all.stream().filter(name -> !doomed.contains(name)).toList());
    }

    /** What {@link #prune()} would delete now. */
    Set<BackupName> wouldPrune() {
        return RetentionPolicy.toDelete(list().stream().map(Stored::name).toList(), clock.now());
    }

    private BackupName existing(String fileName) {
        BackupName name = BackupName.parse(fileName).orElseThrow(() -> new BackupException("\"" + fileName
                + "\" is not a backup name (like parley-20261129T030000.000Z.pgdump.tink); see: backup list"));
        if (!Files.isRegularFile(directory.resolve(name.fileName()))) {
            throw new BackupException("no backup " + name + " in " + directory + "; see: backup list");
        }
        return name;
    }

    private InputStream decrypting(BackupName name) throws IOException {
        InputStream ciphertext = Files.newInputStream(directory.resolve(name.fileName()));
        try {
            return aead.newDecryptingStream(ciphertext, name.associatedData());
        } catch (GeneralSecurityException | IOException e) {
            ciphertext.close();
            throw new BackupException("backup " + name + " does not decrypt: " + e.getMessage(), e);
        }
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not every file system syncs a directory; the rename is still atomic
        }
    }

    private void deleteStalePartials(Instant now) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".parley-*.partial")) {
            for (Path file : files) {
                Matcher partial = PARTIAL.matcher(file.getFileName().toString());
                if (partial.matches() && BackupName.parse(partial.group(1))
                        .filter(name -> name.createdAt().isBefore(now.minus(STALE_PARTIAL))).isPresent()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (NoSuchFileException e) {
            // no directory, nothing to clean
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean partial files in " + directory, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // it holds ciphertext only; the next prune removes it once it is stale
        }
    }
}
