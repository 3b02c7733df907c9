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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The backups in one directory: {@link #create()} streams {@code pg_dump} through the keyset's streaming
 * AEAD into a file named by its creation time; only ciphertext ever reaches the disk (a hidden
 * {@code .…partial} file while it is written, renamed once pg_dump succeeded). {@link #restore} checks
 * the whole file decrypts before it touches the target database. {@link #prune()} applies
 * {@link RetentionPolicy}. Blocking: run it off event-loop threads.
 */
final class Backups implements AutoCloseable {
    private static final Pattern PARTIAL = Pattern.compile("\\.(parley-.+\\.pgdump\\.tink)\\.partial");
    /** A partial file this old belongs to no running backup (the timeout stops each much sooner). */
    private static final Duration STALE_PARTIAL = Duration.ofDays(1);

    private final Path directory;
    private final StreamingAead aead;
    private final PostgresTools tools;
    private final PgTarget source;
    private final Clock clock;
    private final @Nullable S3Bucket bucket;

    Backups(Path directory, StreamingAead aead, PostgresTools tools, PgTarget source, Clock clock) {
        this(directory, aead, tools, source, clock, null);
    }

    Backups(Path directory, StreamingAead aead, PostgresTools tools, PgTarget source, Clock clock,
            @Nullable S3Bucket bucket) {
        this.directory = directory;
        this.aead = aead;
        this.tools = tools;
        this.source = source;
        this.clock = clock;
        this.bucket = bucket;
    }

    /** The backups of {@code properties} (which must name a directory and a keyset) of the configured database. */
    static Backups configured(BackupProperties properties, DatabaseProperties database, Clock clock) {
        if (BackupProperties.unset(properties.directory())) {
            throw new BackupException("parley.backup.directory is not set (PARLEY_BACKUP_DIR)");
        }
        if (BackupProperties.unset(properties.keysetFile())) {
            throw new BackupException("parley.backup.keyset-file is not set (PARLEY_BACKUP_KEYSET)");
        }
        PgTarget source = properties.databaseUrl().isBlank()
                ? PgTarget.fromJdbc(database.jdbcUrl(), database.username(), database.password())
                : new PgTarget(properties.databaseUrl(), database.password().isEmpty() ? null : database.password());
        return new Backups(properties.directory(), BackupKeyset.load(properties.keysetFile()),
                new PostgresTools(properties.pgBinDir(), properties.timeout()), source, clock,
                properties.s3().enabled() ? S3Bucket.of(properties.s3()) : null);
    }

    record Stored(BackupName name, long size) {
    }

    /** A backup in the directory, the bucket or both. */
    record Listed(BackupName name, long size, boolean inDirectory, boolean inBucket) {
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

    /** Where the backups are: the directory, and the bucket if there is one. */
    String locations() {
        return directory + (bucket == null ? "" : " and " + bucket.location());
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
            try (OutputStream ciphertext = java.nio.channels.Channels.newOutputStream(Files.newByteChannel(partial,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
                 OutputStream encrypting = aead.newEncryptingStream(ciphertext, name.associatedData())) {
                tools.dump(source, encrypting);
            }
            try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            if (bucket != null) {
                // the file in the directory stays a backup even when its copy does not reach the bucket
                bucket.upload(name, file);
            }
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

    /** Every backup in the directory or the bucket, oldest first. */
    List<Listed> listEverywhere() {
        java.util.Map<BackupName, Listed> all = new java.util.TreeMap<>();
        for (Stored stored : list()) {
            all.put(stored.name(), new Listed(stored.name(), stored.size(), true, false));
        }
        if (bucket != null) {
            for (Stored stored : bucket.list()) {
                all.merge(stored.name(), new Listed(stored.name(), stored.size(), false, true),
                        (local, remote) -> new Listed(local.name(), local.size(), true, true));
            }
        }
        return List.copyOf(all.values());
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

    /**
     * Deletes what {@link RetentionPolicy} says from the directory (and stale partial files of crashed
     * runs) and, by the same rules applied to its own list, from the bucket.
     */
    Pruned prune() {
        Instant now = clock.now();
        List<BackupName> local = list().stream().map(Stored::name).toList();
        Set<BackupName> doomed = new TreeSet<>(RetentionPolicy.toDelete(local, now));
        Set<BackupName> all = new TreeSet<>(local);
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
        if (bucket != null) {
            List<BackupName> remote = bucket.list().stream().map(Stored::name).toList();
            all.addAll(remote);
            for (BackupName name : RetentionPolicy.toDelete(remote, now)) {
                bucket.delete(name);
                doomed.add(name);
                if (!deleted.contains(name)) {
                    deleted.add(name);
                }
            }
        }
        all.removeAll(doomed);
        return new Pruned(deleted.stream().sorted().toList(), List.copyOf(all));
    }

    /** What {@link #prune()} would delete now, from the directory or the bucket. */
    Set<BackupName> wouldPrune() {
        Set<BackupName> doomed = new TreeSet<>(
                RetentionPolicy.toDelete(list().stream().map(Stored::name).toList(), clock.now()));
        if (bucket != null) {
            doomed.addAll(RetentionPolicy.toDelete(bucket.list().stream().map(Stored::name).toList(), clock.now()));
        }
        return doomed;
    }

    private BackupName existing(String fileName) {
        BackupName name = BackupName.parse(fileName).orElseThrow(() -> new BackupException("\"" + fileName
                + "\" is not a backup name (like parley-20261129T030000.000Z.pgdump.tink); see: backup list"));
        if (!Files.isRegularFile(directory.resolve(name.fileName())) && (bucket == null
                || bucket.list().stream().noneMatch(stored -> stored.name().equals(name)))) {
            throw new BackupException("no backup " + name + " in " + locations() + "; see: backup list");
        }
        return name;
    }

    /** The backup's ciphertext, from the directory or else from the bucket. */
    private InputStream ciphertext(BackupName name) throws IOException {
        Path file = directory.resolve(name.fileName());
        if (Files.isRegularFile(file) || bucket == null) {
            return Files.newInputStream(file);
        }
        return bucket.open(name).orElseThrow(() -> new BackupException("no backup " + name + " in " + locations()));
    }

    private InputStream decrypting(BackupName name) throws IOException {
        InputStream ciphertext = ciphertext(name);
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

    @Override
    public void close() {
        if (bucket != null) {
            bucket.close();
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
