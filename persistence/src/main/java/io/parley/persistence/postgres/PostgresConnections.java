package io.parley.persistence.postgres;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;

import java.time.Duration;

/** Pooled R2DBC connections to PostgreSQL. */
public final class PostgresConnections {

    private PostgresConnections() {
    }

    /**
     * A connection pool for {@code r2dbcUrl}, e.g. {@code r2dbc:postgresql://host:5432/parley} or the
     * multi-host {@code r2dbc:postgresql:failover://h1:5432,h2:5432/parley?targetServerType=primary}, which
     * connects to whichever host is the primary. Close it with {@link ConnectionPool#dispose()}.
     */
    public static ConnectionPool pool(String r2dbcUrl, String user, String password, int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be positive");
        }
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(r2dbcUrl).mutate()
                .option(ConnectionFactoryOptions.USER, user);
        if (!password.isEmpty()) {
            options.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        ConnectionPoolConfiguration configuration = ConnectionPoolConfiguration
                .builder(ConnectionFactories.get(options.build()))
                .name("parley-postgres")
                .initialSize(0)
                .maxSize(maxSize)
                .maxIdleTime(Duration.ofMinutes(10))
                // connections opened before a failover must not outlive it by much
                .maxLifeTime(Duration.ofMinutes(30))
                .maxCreateConnectionTime(Duration.ofSeconds(10))
                .maxAcquireTime(Duration.ofSeconds(15))
                .backgroundEvictionInterval(Duration.ofSeconds(30))
                .build();
        return new ConnectionPool(configuration);
    }
}
