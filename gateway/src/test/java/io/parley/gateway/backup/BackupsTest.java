package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.port.Clock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups of real databases with the real pg_dump, pg_restore and psql. */
class BackupsTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path temp;

    private static final String MARKER = "my card ends 4242 and my secret word is " + UUID.randomUUID();
    private static final ScratchDatabases SOURCES = new ScratchDatabases();
    /** Read only by the tests: conversations, one saying MARKER, and noise enough for several 1 MB segments. */
    private static String source;

    private final ScratchDatabases databases = new ScratchDatabases();

    @BeforeAll
    static void createSource() {
        source = SOURCES.createWithConversations(12, MARKER);
        ScratchDatabases.execute(source, "CREATE TABLE filler AS SELECT g AS id, md5(random()::text) || md5(random()::text)"
                + " AS noise FROM generate_series(1, 120000) g");
    }

    @AfterAll
    static void dropSource() {
        SOURCES.close();
    }

    @AfterEach
    void dropDatabases() {
        databases.close();
    }

    private Path keyset(String name) {
        Path file = temp.resolve("secrets").resolve(name);
        BackupKeyset.create(file);
        return file;
    }

    private Backups backups(String database, Path keyset, Clock clock) {
        return new Backups(temp.resolve("backups"), BackupKeyset.load(keyset), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target(database), clock);
    }

    private Backups backups(String database, Path keyset) {
        return backups(database, keyset, Clock.system());
    }

    private List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void aBackupRestoredIntoAFreshDatabaseGivesIdenticalConversations() {
        Backups backups = backups(source, keyset("keyset.json"));

        Backups.Created created = backups.create();
        String fresh = databases.create("restore");
        Backups.Restored restored = backups.restore(created.name().fileName(), ScratchDatabases.target(fresh), false);

        Map<String, List<String>> expected = ScratchDatabases.everyRow(source);
        assertThat(expected.get("conversations")).hasSize(12);
        assertThat(expected.get("events")).hasSizeGreaterThanOrEqualTo(24).anyMatch(row -> row.contains(MARKER));
        assertThat(ScratchDatabases.everyRow(fresh)).isEqualTo(expected);
        assertThat(restored.replaced()).isFalse();
        assertThat(restored.relations()).isPositive();
        assertThat(backups.list()).extracting(Backups.Stored::name).containsExactly(created.name());
    }

    @Test
    void theFileOnDiskHoldsNoPlaintextAndNothingElseIsLeftInTheDirectory() throws IOException {
        Backups backups = backups(source, keyset("keyset.json"));

        Backups.Created created = backups.create();

        Path file = temp.resolve("backups").resolve(created.name().fileName());
        byte[] bytes = Files.readAllBytes(file);
        String asLatin1 = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(asLatin1).doesNotContain(MARKER).doesNotContain("secret word").doesNotContain("PGDMP")
                .doesNotContain("conversations").doesNotContain("w_demo");
        assertThat(created.size()).isEqualTo(bytes.length).isPositive();
        assertThat(filesIn(temp.resolve("backups"))).containsExactly(file);
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        // the MARKER is in the backup all the same: a restore brings it back
        String fresh = databases.create("restore");
        backups.restore(created.name().fileName(), ScratchDatabases.target(fresh), false);
        assertThat(ScratchDatabases.everyRow(fresh).get("events")).anyMatch(row -> row.contains(MARKER));
    }

    @Test
    void aBackupChangedInTheMiddleFailsRestoreClearlyAndLeavesTheTargetEmpty() throws IOException {
        Backups backups = backups(source, keyset("keyset.json"));
        Backups.Created created = backups.create();
        assertThat(created.size()).isGreaterThan(2L << 20);
        Path file = temp.resolve("backups").resolve(created.name().fileName());
        try (RandomAccessFile damaged = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = damaged.length() / 2;
            damaged.seek(middle);
            int original = damaged.read();
            damaged.seek(middle);
            damaged.write(original ^ 0x01);
        }
        String fresh = databases.create("restore");

        assertThatThrownBy(() -> backups.restore(created.name().fileName(), ScratchDatabases.target(fresh), false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("does not decrypt")
                .hasMessageContaining("changed, truncated or renamed");
        assertThat(new PostgresTools("", TIMEOUT).userRelations(ScratchDatabases.target(fresh))).isZero();
        assertThatThrownBy(() -> backups.verify(created.name().fileName())).hasMessageContaining("does not decrypt");
    }

    @Test
    void aTruncatedBackupFailsRestoreAtASegmentBoundaryOrNotAndLeavesTheTargetEmpty() throws IOException {
        Backups backups = backups(source, keyset("keyset.json"));
        Backups.Created created = backups.create();
        Path file = temp.resolve("backups").resolve(created.name().fileName());
        byte[] whole = Files.readAllBytes(file);
        String fresh = databases.create("restore");

        for (int length : new int[] {1 << 20, whole.length - 1, whole.length / 3, 10}) {
            Files.write(file, java.util.Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> backups.restore(created.name().fileName(), ScratchDatabases.target(fresh), false))
                    .as("cut to %d of %d bytes", length, whole.length)
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("does not decrypt");
            assertThat(new PostgresTools("", TIMEOUT).userRelations(ScratchDatabases.target(fresh))).isZero();
        }
        Files.write(file, whole);
        assertThat(backups.verify(created.name().fileName())).isEqualTo(created.name());
    }

    @Test
    void aBackupRenamedToAnotherTimeOrReadWithAnotherKeysetDoesNotDecrypt() throws IOException {
        Path keyset = keyset("keyset.json");
        Backups backups = backups(source, keyset);
        Backups.Created created = backups.create();
        Path directory = temp.resolve("backups");
        BackupName older = BackupName.at(created.name().createdAt().minus(Duration.ofDays(1)));

        Files.copy(directory.resolve(created.name().fileName()), directory.resolve(older.fileName()));
        assertThatThrownBy(() -> backups.verify(older.fileName())).hasMessageContaining("does not decrypt");

        Backups otherKeyset = new Backups(directory, BackupKeyset.load(keyset("other.json")), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target("unused"), Clock.system());
        assertThatThrownBy(() -> otherKeyset.verify(created.name().fileName())).hasMessageContaining("does not decrypt");
        assertThat(backups.verify(created.name().fileName())).isEqualTo(created.name());
    }

    @Test
    void restoreRefusesATargetWithTablesUnlessForcedAndThenReplacesThem() {
        Backups backups = backups(source, keyset("keyset.json"));
        Backups.Created created = backups.create();
        String target = databases.create("restore");
        backups.restore(created.name().fileName(), ScratchDatabases.target(target), false);
        ScratchDatabases.execute(target, "DELETE FROM filler WHERE id % 2 = 0");
        long fillerLeft = ScratchDatabases.count(target, "filler");
        assertThat(fillerLeft).isEqualTo(60_000);

        assertThatThrownBy(() -> backups.restore(created.name().fileName(), ScratchDatabases.target(target), false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("is not empty")
                .hasMessageContaining("--force");
        assertThat(ScratchDatabases.count(target, "filler")).isEqualTo(fillerLeft);

        Backups.Restored forced = backups.restore(created.name().fileName(), ScratchDatabases.target(target), true);
        assertThat(forced.replaced()).isTrue();
        assertThat(ScratchDatabases.everyRow(target)).isEqualTo(ScratchDatabases.everyRow(source));
    }

    @Test
    void aRestoreWhoseInputFailsMidWayIsKilledBeforeItCommits() {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        PostgresTools tools = new PostgresTools("", TIMEOUT);
        tools.dump(ScratchDatabases.target(source), dump);
        byte[] plaintext = dump.toByteArray();
        String fresh = databases.create("restore");
        InputStream failingNearTheEnd = new java.io.FilterInputStream(new ByteArrayInputStream(plaintext)) {
            private long read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read > plaintext.length - 100) {
                    throw new IOException("segment 3 failed authentication");
                }
                int n = super.read(buffer, offset, (int) Math.min(length, plaintext.length - 100 - read + 1));
                read += Math.max(n, 0);
                return n;
            }
        };

        assertThatThrownBy(() -> tools.restore(failingNearTheEnd, ScratchDatabases.target(fresh), false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("stopped decrypting mid-way")
                .hasMessageContaining("is as it was");
        assertThat(tools.userRelations(ScratchDatabases.target(fresh))).isZero();
        // the same bytes whole restore fine, so it was the failure that stopped it
        tools.restore(new ByteArrayInputStream(plaintext), ScratchDatabases.target(fresh), false);
        assertThat(ScratchDatabases.count(fresh, "filler")).isEqualTo(120_000);
    }

    @Test
    void aDumpThatFailsLeavesNoFileAndSaysWhy() throws IOException {
        Backups backups = backups(TestDatabaseNames.missing(), keyset("keyset.json"));

        assertThatThrownBy(backups::create)
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("pg_dump")
                .hasMessageContaining("does not exist");
        assertThat(filesIn(temp.resolve("backups"))).isEmpty();
    }

    @Test
    void aBackupMadeBeforeAKeysetRotationStillRestoresAndNewOnesUseTheNewKey() throws IOException {
        Path keyset = keyset("keyset.json");
        Instant first = Instant.parse("2026-11-28T03:00:00Z");
        Backups before = backups(source, keyset, () -> first);
        Backups.Created old = before.create();

        assertThat(BackupKeyset.rotate(keyset)).isEqualTo(2);
        Backups after = backups(source, keyset, () -> first.plusSeconds(3600));
        Backups.Created recent = after.create();

        String fresh = databases.create("restore");
        after.restore(old.name().fileName(), ScratchDatabases.target(fresh), false);
        assertThat(ScratchDatabases.everyRow(fresh)).isEqualTo(ScratchDatabases.everyRow(source));
        assertThat(after.verify(recent.name().fileName())).isEqualTo(recent.name());
        // the keyset from before the rotation lacks the new key
        Path oldKeysetOnly = temp.resolve("secrets").resolve("keyset-before.json");
        BackupKeyset.create(oldKeysetOnly);
        assertThatThrownBy(() -> new Backups(temp.resolve("backups"), BackupKeyset.load(oldKeysetOnly),
                new PostgresTools("", TIMEOUT), ScratchDatabases.target(source), Clock.system())
                .verify(recent.name().fileName())).hasMessageContaining("does not decrypt");
    }

    @Test
    void pruneOnADirectoryOfFakedAgesDeletesExactlyWhatThePolicySays() throws IOException {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Path directory = temp.resolve("backups");
        Files.createDirectories(directory);
        List<String> young = List.of("parley-20261129T110000.000Z.pgdump.tink", "parley-20261128T130000.000Z.pgdump.tink");
        List<String> daily = List.of("parley-20261127T110000.000Z.pgdump.tink", "parley-20261125T230000.000Z.pgdump.tink",
                "parley-20261122T120000.000Z.pgdump.tink");
        List<String> doomed = List.of("parley-20261128T010000.000Z.pgdump.tink", "parley-20261125T010000.000Z.pgdump.tink",
                "parley-20261122T115959.999Z.pgdump.tink", "parley-20261101T000000.000Z.pgdump.tink");
        List<String> strangers = List.of("notes.txt", "parley-20261101T000000.000Z.pgdump.tink.bak",
                ".parley-20261129T115000.000Z.pgdump.tink.partial");
        String stalePartial = ".parley-20261120T000000.000Z.pgdump.tink.partial";
        for (String name : Stream.of(young, daily, doomed, strangers, List.of(stalePartial)).flatMap(List::stream).toList()) {
            Files.writeString(directory.resolve(name), "ciphertext stand-in");
        }
        Backups backups = new Backups(directory, BackupKeyset.load(keyset("keyset.json")), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target("unused"), () -> now);

        assertThat(backups.wouldPrune()).extracting(BackupName::fileName).containsExactlyInAnyOrderElementsOf(doomed);
        Backups.Pruned pruned = backups.prune();

        assertThat(pruned.deleted()).extracting(BackupName::fileName).containsExactlyInAnyOrderElementsOf(doomed);
        assertThat(filesIn(directory)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(Stream.of(young, daily, strangers).flatMap(List::stream).toList());
        assertThat(backups.prune().deleted()).isEmpty();
    }

    @Test
    void listAndPruneOfADirectoryThatDoesNotExistYetFindNothing() {
        Backups backups = new Backups(temp.resolve("none"), BackupKeyset.load(keyset("keyset.json")),
                new PostgresTools("", TIMEOUT), ScratchDatabases.target("unused"), Clock.system());

        assertThat(backups.list()).isEmpty();
        assertThat(backups.prune().deleted()).isEmpty();
    }

    /** Names of databases that do not exist. */
    private static final class TestDatabaseNames {
        static String missing() {
            return "parley_no_such_database_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        }
    }
}
