package io.parley.gateway.testing;

import io.parley.persistence.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real back ends a gateway under test uses: the shared test database (created and migrated on
 * first use), Redis at {@code PARLEY_REDIS_HOST}/{@code PARLEY_REDIS_PORT} under a key prefix of its
 * own, and a freshly generated visitor-token key.
 */
public final class TestBackends {
    private static final Path TOKEN_KEY = generateTokenKey();

    private TestBackends() {
    }

    public static void register(DynamicPropertyRegistry registry) {
        properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    /** The same settings as plain properties, for a second node started by hand. */
    public static Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("parley.database.r2dbc-url", TestDatabase.r2dbcUrl());
        properties.put("parley.database.jdbc-url", TestDatabase.jdbcUrl());
        properties.put("parley.database.username", TestDatabase.user());
        properties.put("parley.database.password", TestDatabase.password());
        properties.put("parley.redis.uri", "redis://" + env("PARLEY_REDIS_HOST", "127.0.0.1") + ":"
                + env("PARLEY_REDIS_PORT", "6379"));
        properties.put("parley.visitor-tokens.key-file", TOKEN_KEY.toString());
        properties.put("parley.bots.seed-demo", "true");
        return properties;
    }

    private static Path generateTokenKey() {
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Path file = Files.createTempFile("parley-visitor-token", ".key");
            file.toFile().deleteOnExit();
            Files.writeString(file, Base64.getEncoder().encodeToString(key));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
