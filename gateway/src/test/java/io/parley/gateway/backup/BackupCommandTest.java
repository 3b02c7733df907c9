package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.port.Clock;
import io.parley.persistence.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup command as an operator runs it, configured through Spring arguments as from the environment. */
class BackupCommandTest {
    @TempDir
    Path temp;

    private final ScratchDatabases databases = new ScratchDatabases();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void drop() {
        databases.close();
    }

    private int run(String database, Clock clock, String... words) {
        out.reset();
        err.reset();
        List<String> args = new ArrayList<>(List.of(words));
        args.addAll(List.of(
                "--parley.database.jdbc-url=" + ScratchDatabases.jdbcUrl(database),
                "--parley.database.username=" + TestDatabase.user(),
                "--parley.database.password=" + TestDatabase.password(),
                "--parley.backup.directory=" + temp.resolve("backups"),
                "--parley.backup.keyset-file=" + temp.resolve("secrets/backup-keyset.json")));
        return BackupCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createListVerifyRestoreAndPruneFromTheCommandLine() throws Exception {
        String source = databases.createWithConversations(5, "the command line works");
        Instant created = Instant.parse("2026-11-20T03:00:00Z");

        assertThat(run(source, Clock.system(), "backup", "create")).as(err()).isEqualTo(1);
        assertThat(err()).contains("backup keyset file").contains("does not exist").contains("backup new-keyset");

        assertThat(run(source, Clock.system(), "backup", "new-keyset")).as(err()).isZero();
        assertThat(out()).contains("created backup keyset");
        assertThat(Files.getPosixFilePermissions(temp.resolve("secrets/backup-keyset.json"))).hasSize(2);
        assertThat(run(source, Clock.system(), "backup", "new-keyset")).isEqualTo(1);
        assertThat(err()).contains("backup-keyset.json");

        assertThat(run(source, () -> created, "backup", "create")).as(err()).isZero();
        String name = BackupName.at(created).fileName();
        assertThat(out()).startsWith("created " + name);
        assertThat(run(source, () -> created.plusSeconds(3600), "create")).as(err()).isZero();

        assertThat(run(source, () -> created.plus(Duration.ofDays(2)).plusSeconds(7200), "backup", "list")).isZero();
        assertThat(out()).contains("NAME").contains(name).contains("2026-11-20 03:00:00").contains("2d 2h").contains("KiB");

        assertThat(run(source, Clock.system(), "backup", "verify", name)).as(err()).isZero();
        assertThat(out()).contains("intact");

        String fresh = databases.create("restore");
        assertThat(run(source, Clock.system(), "backup", "restore", name, "--to", ScratchDatabases.libpqUrl(fresh)))
                .as(err()).isZero();
        assertThat(out()).contains("restored " + name + " into " + ScratchDatabases.libpqUrl(fresh));
        assertThat(ScratchDatabases.everyRow(fresh)).isEqualTo(ScratchDatabases.everyRow(source));

        assertThat(run(source, Clock.system(), "backup", "restore", name, "--to=" + ScratchDatabases.libpqUrl(fresh)))
                .isEqualTo(1);
        assertThat(err()).contains("is not empty").contains("--force");
        assertThat(run(source, Clock.system(), "backup", "restore", name, "--to", ScratchDatabases.libpqUrl(fresh), "--force"))
                .as(err()).isZero();
        assertThat(out()).contains("replaced");

        // a day and more later: the 03:00 one is no longer the newest of its day, so prune takes it
        Clock later = () -> created.plus(Duration.ofDays(1)).plusSeconds(7200);
        assertThat(run(source, later, "backup", "prune", "--dry-run")).isZero();
        assertThat(out()).contains("would delete").contains(name);
        assertThat(run(source, later, "backup", "list")).isZero();
        assertThat(out()).contains(name);
        assertThat(run(source, later, "backup", "prune")).isZero();
        assertThat(out()).contains("deleted 1, kept 1").contains("deleted " + name);
        assertThat(Files.exists(temp.resolve("backups").resolve(name))).isFalse();

        assertThat(run(source, Clock.system(), "backup", "rotate-keyset")).as(err()).isZero();
        assertThat(out()).contains("2 keys now");
        assertThat(run(source, Clock.system(), "backup", "verify", BackupName.at(created.plusSeconds(3600)).fileName()))
                .as(err()).isZero();
    }

    @Test
    void aMissingOrRenamedBackupIsAClearFailure() {
        String empty = databases.create("nothing");
        assertThat(run(empty, Clock.system(), "backup", "new-keyset")).isZero();

        assertThat(run(empty, Clock.system(), "backup", "restore", "latest", "--to", ScratchDatabases.libpqUrl(empty)))
                .isEqualTo(1);
        assertThat(err()).contains("\"latest\" is not a backup name");
        assertThat(run(empty, Clock.system(), "backup", "verify", "parley-20261129T030000.000Z.pgdump.tink")).isEqualTo(1);
        assertThat(err()).contains("no backup parley-20261129T030000.000Z.pgdump.tink in");
        assertThat(run(empty, Clock.system(), "backup", "list")).isZero();
        assertThat(out()).contains("no backups in");
    }

    @Test
    void badUsageExitsTwoWithTheUsage() {
        for (String[] words : new String[][] {{"backup"}, {"backup", "destroy"}, {"backup", "restore", "x"},
                {"backup", "create", "extra"}, {"backup", "list", "--force"}, {"backup", "prune", "-f"}}) {
            err.reset();
            assertThat(BackupCommand.run(words, new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .as(String.join(" ", words)).isEqualTo(2);
            assertThat(err()).contains("usage: backup create");
        }
    }
}
