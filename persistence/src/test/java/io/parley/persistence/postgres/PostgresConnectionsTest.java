package io.parley.persistence.postgres;

import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresConnectionsTest {

    @Test
    void failoverUrlSkipsAHostThatIsDownAndConnectsToThePrimary() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            deadPort = socket.getLocalPort();
        }
        String url = "r2dbc:postgresql:failover://127.0.0.1:" + deadPort + "," + TestDatabase.host() + ":"
                + TestDatabase.port() + "/" + TestDatabase.name() + "?targetServerType=primary";
        ConnectionPool pool = PostgresConnections.pool(url, TestDatabase.user(), TestDatabase.password(), 2);
        try {
            StepVerifier.create(Mono.usingWhen(pool.create(), PostgresConnectionsTest::isPrimary, Connection::close))
                    .expectNext(true)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            pool.dispose();
        }
    }

    @Test
    void poolNeedsAPositiveSize() {
        assertThatThrownBy(() -> PostgresConnections.pool("r2dbc:postgresql://127.0.0.1/x", "u", "", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Mono<Boolean> isPrimary(Connection connection) {
        return Mono.from(connection.createStatement("SELECT NOT pg_is_in_recovery() AS primary").execute())
                .flatMap(result -> Mono.from(result.map(row -> row.get("primary", Boolean.class))));
    }
}
