package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupNameTest {

    @Test
    void theNameCarriesTheUtcCreationTimeToTheMillisecondAndParsesBack() {
        BackupName name = BackupName.at(Instant.parse("2026-11-29T03:04:05.678901Z"));

        assertThat(name.fileName()).isEqualTo("parley-20261129T030405.678Z.pgdump.tink");
        assertThat(name.createdAt()).isEqualTo(Instant.parse("2026-11-29T03:04:05.678Z"));
        assertThat(BackupName.parse(name.fileName())).contains(name);
    }

    @Test
    void otherFilesAreNoBackups() {
        assertThat(BackupName.parse(".parley-20261129T030405.678Z.pgdump.tink.partial")).isEmpty();
        assertThat(BackupName.parse("parley-20261129T030405.678Z.pgdump.tink.bak")).isEmpty();
        assertThat(BackupName.parse("parley-20261329T030405.678Z.pgdump.tink")).isEmpty();
        assertThat(BackupName.parse("notes.txt")).isEmpty();
    }

    @Test
    void theAssociatedDataDiffersForAnotherTime() {
        assertThat(BackupName.at(Instant.parse("2026-11-29T03:00:00Z")).associatedData())
                .isNotEqualTo(BackupName.at(Instant.parse("2026-11-29T03:00:00.001Z")).associatedData());
    }
}
