package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.Objects;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class DemoWorkspaceTest {

    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    @Test
    void seedingTwiceChangesNothing() {
        StepVerifier.create(DemoWorkspace.seed(TestDatabase.connectionFactory())).expectComplete().verify(TIMEOUT);
        List<String> before = Objects.requireNonNull(demoRows().block(TIMEOUT));

        StepVerifier.create(DemoWorkspace.seed(TestDatabase.connectionFactory())).expectComplete().verify(TIMEOUT);

        // xmin changes whenever a row is rewritten, even with equal values
        StepVerifier.create(demoRows())
                .expectNext(before)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(before).filteredOn(row -> row.startsWith("knowledge_entries"))
                .hasSize(DemoWorkspace.KNOWLEDGE.size())
                .hasSizeGreaterThanOrEqualTo(8);
        assertThat(before).filteredOn(row -> row.startsWith("bots")).hasSize(2);
        assertThat(before).filteredOn(row -> row.startsWith("widget_keys")).hasSize(2);
    }

    @Test
    void seedingFromTwoNodesAtOnceSucceeds() {
        ConnectionPool nodeA = TestDatabase.newPool(2);
        ConnectionPool nodeB = TestDatabase.newPool(2);
        try {
            StepVerifier.create(Mono.when(DemoWorkspace.seed(nodeA), DemoWorkspace.seed(nodeB)))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    private Mono<List<String>> demoRows() {
        return db.sql("""
                        SELECT 'workspaces ' || xmin::text || ' ' || w::text AS row FROM workspaces w
                         WHERE id = 'w_demo'
                        UNION ALL
                        SELECT 'bots ' || xmin::text || ' ' || b::text FROM bots b
                         WHERE id IN ('b_parley_demo', 'b_loadtest')
                        UNION ALL
                        SELECT 'widget_keys ' || xmin::text || ' ' || k::text FROM widget_keys k
                         WHERE key IN ('pk_demo', 'pk_loadtest')
                        UNION ALL
                        SELECT 'knowledge_entries ' || xmin::text || ' ' || e.id || ' ' || e.title || ' ' || e.body
                          FROM knowledge_entries e
                         WHERE bot_id = 'b_parley_demo' AND id LIKE 'k_demo_%'
                        ORDER BY 1""")
                .map(row -> Sql.string(row, "row"))
                .all()
                .collectList();
    }
}
