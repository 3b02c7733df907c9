package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.port.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups copied to a real S3-compatible server (s3rver over loopback, SigV4 checked), from real databases. */
class S3BackupsTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String BUCKET = "parley-backups";
    private static final String MARKER = "s3 secret word " + UUID.randomUUID();
    private static final ScratchDatabases SOURCES = new ScratchDatabases();
    private static String source;
    private static S3rver s3;
    private static Path s3Data;

    @TempDir
    Path temp;

    private final ScratchDatabases databases = new ScratchDatabases();
    private final String prefix = "parley/" + UUID.randomUUID().toString().substring(0, 8) + "/";

    @BeforeAll
    static void start() throws IOException {
        s3Data = Files.createTempDirectory("parley-s3rver");
        s3 = S3rver.start(s3Data, BUCKET);
        source = SOURCES.createWithConversations(6, MARKER);
        ScratchDatabases.execute(source, "CREATE TABLE filler AS SELECT g AS id, md5(random()::text) || md5(random()::text)"
                + " AS noise FROM generate_series(1, 60000) g");
    }

    @AfterAll
    static void stop() throws IOException {
        s3.close();
        SOURCES.close();
        try (Stream<Path> files = Files.walk(s3Data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @AfterEach
    void drop() {
        databases.close();
    }

    private S3Bucket bucket(String bucket, long partSize) throws IOException {
        Path secret = Files.writeString(temp.resolve("s3-secret"), S3rver.SECRET_KEY + "\n");
        return S3Bucket.of(new BackupProperties.S3(bucket, s3.endpoint(), "us-east-1", prefix, true, S3rver.ACCESS_KEY,
                secret), partSize);
    }

    private Backups backups(S3Bucket bucket, Clock clock) {
        Path keyset = temp.resolve("keyset.json");
        if (!Files.exists(keyset)) {
            BackupKeyset.create(keyset);
        }
        return new Backups(temp.resolve("backups"), BackupKeyset.load(keyset), new PostgresTools("", TIMEOUT),
                ScratchDatabases.target(source), clock, bucket);
    }

    @Test
    void eachBackupGoesToTheBucketAsTheSameCiphertextAndRestoresFromThereWhenTheDirectoryLostIt() throws IOException {
        try (Backups backups = backups(bucket(BUCKET, S3Bucket.PART_SIZE), Clock.system())) {
            Backups.Created created = backups.create();
            Path file = temp.resolve("backups").resolve(created.name().fileName());

            assertThat(backups.listEverywhere()).containsExactly(
                    new Backups.Listed(created.name(), created.size(), true, true));
            byte[] uploaded;
            try (S3Bucket reader = bucket(BUCKET, S3Bucket.PART_SIZE);
                 InputStream object = reader.open(created.name()).orElseThrow()) {
                uploaded = object.readAllBytes();
            }
            assertThat(uploaded).isEqualTo(Files.readAllBytes(file));
            assertThat(new String(uploaded, StandardCharsets.ISO_8859_1)).doesNotContain(MARKER).doesNotContain("PGDMP");

            Files.delete(file);
            assertThat(backups.listEverywhere()).containsExactly(
                    new Backups.Listed(created.name(), created.size(), false, true));
            String fresh = databases.create("restore");
            backups.restore(created.name().fileName(), ScratchDatabases.target(fresh), false);
            assertThat(ScratchDatabases.everyRow(fresh)).isEqualTo(ScratchDatabases.everyRow(source));
        }
    }

    @Test
    void aBackupLargerThanAPartGoesUpInPartsAndComesBackWhole() throws IOException {
        try (Backups backups = backups(bucket(BUCKET, 256 * 1024), Clock.system())) {
            Backups.Created created = backups.create();
            assertThat(created.size()).isGreaterThan(3 * 256 * 1024);
            Path file = temp.resolve("backups").resolve(created.name().fileName());
            byte[] local = Files.readAllBytes(file);

            Files.delete(file);
            try (S3Bucket reader = bucket(BUCKET, S3Bucket.PART_SIZE);
                 InputStream object = reader.open(created.name()).orElseThrow()) {
                assertThat(object.readAllBytes()).isEqualTo(local);
            }
            assertThat(backups.verify(created.name().fileName())).isEqualTo(created.name());
        }
    }

    @Test
    void pruneAppliesTheRetentionToTheBucketByItsOwnList() throws IOException {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        List<BackupName> kept = List.of(BackupName.at(now.minus(Duration.ofHours(2))),
                BackupName.at(Instant.parse("2026-11-27T20:00:00Z")));
        List<BackupName> doomed = List.of(BackupName.at(Instant.parse("2026-11-27T08:00:00Z")),
                BackupName.at(now.minus(Duration.ofDays(8))), BackupName.at(now.minus(Duration.ofDays(30))));
        Path standIn = Files.writeString(temp.resolve("stand-in"), "ciphertext stand-in");
        try (S3Bucket bucket = bucket(BUCKET, S3Bucket.PART_SIZE); Backups backups = backups(bucket, () -> now)) {
            for (BackupName name : Stream.concat(kept.stream(), doomed.stream()).toList()) {
                bucket.upload(name, standIn);
            }

            assertThat(backups.wouldPrune()).containsExactlyInAnyOrderElementsOf(doomed);
            Backups.Pruned pruned = backups.prune();

            assertThat(pruned.deleted()).containsExactlyInAnyOrderElementsOf(doomed);
            assertThat(pruned.kept()).containsExactlyInAnyOrderElementsOf(kept);
            assertThat(bucket.list()).extracting(Backups.Stored::name).containsExactlyInAnyOrderElementsOf(kept);
        }
    }

    @Test
    void anUploadThatFailsLeavesTheBackupInTheDirectoryAndSaysSo() throws IOException {
        try (Backups backups = backups(bucket("no-such-bucket", S3Bucket.PART_SIZE), Clock.system())) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("uploading")
                    .hasMessageContaining("s3://no-such-bucket/");

            assertThat(backups.list()).hasSize(1);
            assertThat(backups.verify(backups.list().get(0).name().fileName())).isNotNull();
        }
    }

    @Test
    void theCommandTakesTheBucketFromItsConfigurationAndListsWhereEachBackupIs() throws IOException {
        Path secret = Files.writeString(temp.resolve("s3-secret"), S3rver.SECRET_KEY + "\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> settings = List.of(
                "--parley.database.jdbc-url=" + ScratchDatabases.jdbcUrl(source),
                "--parley.database.username=" + io.parley.persistence.testing.TestDatabase.user(),
                "--parley.database.password=" + io.parley.persistence.testing.TestDatabase.password(),
                "--parley.backup.directory=" + temp.resolve("backups"),
                "--parley.backup.keyset-file=" + temp.resolve("keyset.json"),
                "--parley.backup.s3.bucket=" + BUCKET,
                "--parley.backup.s3.endpoint=" + s3.endpoint(),
                "--parley.backup.s3.path-style=true",
                "--parley.backup.s3.prefix=" + prefix,
                "--parley.backup.s3.access-key-id=" + S3rver.ACCESS_KEY,
                "--parley.backup.s3.secret-access-key-file=" + secret);
        java.util.function.Function<String[], Integer> run = words -> {
            out.reset();
            err.reset();
            return BackupCommand.run(Stream.concat(Stream.of(words), settings.stream()).toArray(String[]::new),
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        };

        assertThat(run.apply(new String[] {"backup", "new-keyset"})).isZero();
        assertThat(run.apply(new String[] {"backup", "create"})).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("s3://" + BUCKET + "/" + prefix);
        String name = out.toString(StandardCharsets.UTF_8).split(" ")[1];
        Files.delete(temp.resolve("backups").resolve(name));

        assertThat(run.apply(new String[] {"backup", "list"})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(name).contains("bucket").doesNotContain("directory,");
        assertThat(run.apply(new String[] {"backup", "verify", name})).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }
}
