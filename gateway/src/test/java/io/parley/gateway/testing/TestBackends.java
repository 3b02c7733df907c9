package io.parley.gateway.testing;

import io.parley.persistence.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
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
        registry.add("parley.database.r2dbc-url", TestDatabase::r2dbcUrl);
        registry.add("parley.database.jdbc-url", TestDatabase::jdbcUrl);
        registry.add("parley.database.username", TestDatabase::user);
        registry.add("parley.database.password", TestDatabase::password);
        registry.add("parley.redis.uri", () -> "redis://" + env("PARLEY_REDIS_HOST", "127.0.0.1") + ":"
                + env("PARLEY_REDIS_PORT", "6379"));
        registry.add("parley.visitor-tokens.key-file", TOKEN_KEY::toString);
        registry.add("parley.bots.seed-demo", () -> "true");
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
