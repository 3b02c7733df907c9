package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** Security promise 9: no password is stored, so no column of the schema may be meant for one. */
class OperatorSchemaTest {

    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    @Test
    void noColumnOfTheSchemaIsNamedLikePassword() {
        StepVerifier.create(db.sql("""
                                SELECT table_name || '.' || column_name AS name
                                  FROM information_schema.columns
                                 WHERE table_schema = current_schema()
                                   AND (column_name ILIKE '%password%' OR column_name ILIKE '%passwd%'
                                        OR column_name ILIKE '%pwd%')""")
                        .map(row -> Sql.string(row, "name"))
                        .all()
                        .collectList())
                .assertNext(columns -> assertThat(columns).isEmpty())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void theOperatorTablesAreInTheCheckedSchema() {
        // keeps the test above from passing because it looked at an empty schema
        StepVerifier.create(db.sql("""
                                SELECT table_name FROM information_schema.tables
                                 WHERE table_schema = current_schema()
                                   AND table_name IN ('operators', 'operator_identities', 'memberships',
                                                      'magic_links', 'refresh_tokens', 'refresh_token_families')""")
                        .map(row -> Sql.string(row, "table_name"))
                        .all()
                        .collectList())
                .assertNext(tables -> assertThat(tables).hasSize(6))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
