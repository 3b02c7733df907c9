package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests against the shared Redis: one client per class, and a plain connection to look at the keys. */
abstract class SharedRedisTest {
    static RedisClient client;
    static StatefulRedisConnection<String, String> adminConnection;
    static RedisCommands<String, String> admin;

    @BeforeAll
    static void connect() {
        client = RedisTestSupport.client();
        adminConnection = client.connect();
        admin = adminConnection.sync();
    }

    @AfterAll
    static void disconnect() {
        adminConnection.close();
        client.shutdown();
    }
}
