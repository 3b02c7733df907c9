package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgTargetTest {

    @Test
    void aJdbcUrlBecomesALibpqUrlWithThePasswordKeptApart() {
        PgTarget target = PgTarget.fromJdbc("jdbc:postgresql://127.0.0.1:5432/parley", "postgres", "s3cret");

        assertThat(target.url()).isEqualTo("postgresql://postgres@127.0.0.1:5432/parley");
        assertThat(target.password()).isEqualTo("s3cret");
    }

    @Test
    void failoverHostsAndTheParametersLibpqKnowsAreCarriedOverAndPgjdbcTuningIsLeftOut() {
        PgTarget target = PgTarget.fromJdbc("jdbc:postgresql://db1:5432,db2:5433/parley?targetServerType=primary"
                + "&sslmode=verify-full&prepareThreshold=0&connectTimeout=7", "parley user", "");

        assertThat(target.url()).isEqualTo("postgresql://parley%20user@db1:5432,db2:5433/parley"
                + "?target_session_attrs=primary&sslmode=verify-full&connect_timeout=7");
        assertThat(target.password()).isNull();
    }

    @Test
    void pgjdbcSslTrueMeansVerifyFull() {
        assertThat(PgTarget.fromJdbc("jdbc:postgresql://db/parley?ssl=true", "u", "").url())
                .isEqualTo("postgresql://u@db/parley?sslmode=verify-full");
    }

    @Test
    void aTargetServerTypeLibpqLacksIsRefusedNamingTheWayOut() {
        assertThatThrownBy(() -> PgTarget.fromJdbc("jdbc:postgresql://db/parley?targetServerType=preferPrimary", "u", ""))
                .hasMessageContaining("parley.backup.database-url");
    }

    @Test
    void aPasswordInAUrlIsMaskedWhenShown() {
        assertThat(new PgTarget("postgresql://admin:hunter2@db:5432/restore", null).display())
                .isEqualTo("postgresql://admin:***@db:5432/restore");
        assertThat(new PgTarget("postgresql://admin@db/restore", null).display()).isEqualTo("postgresql://admin@db/restore");
    }
}
