package io.parley.gateway.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real back ends a gateway under test uses: the shared test database (created and migrated on
 * first use), Redis at {@code PARLEY_REDIS_HOST}/{@code PARLEY_REDIS_PORT} under a key prefix of its
 * own, a freshly generated visitor-token key and API-key pepper, this JVM's generated field-encryption
 * keysets ({@link TestKeys}), a generated access-token signing-key set
 * ({@link #SIGNING_KEYS}: the first key signs, the second is a still-trusted previous key), and an
 * in-process SMTP server ({@link #MAIL}, GreenMail on a free port) receiving the magic-link e-mails.
 */
public final class TestBackends {
    private static final Path TOKEN_KEY = generateTokenKey();
    private static final Path API_KEY_PEPPER = generateTokenKey();
    private static final String REDIS_PREFIX = "parley:test:" + java.util.UUID.randomUUID().toString().substring(0, 8) + ":";

    /** The signing keys the gateway under test loads, private halves included so tests can sign. */
    public static final JWKSet SIGNING_KEYS = new JWKSet(List.of(ecKey("test-current"), ecKey("test-previous")));
    private static final Path SIGNING_KEYS_FILE = write("parley-jwks", ".json", SIGNING_KEYS.toString(false));

    /** Receives every e-mail the gateways under test send; started once per JVM. */
    public static final GreenMail MAIL = startMail();

    private TestBackends() {
    }

    public static void register(DynamicPropertyRegistry registry) {
        properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    /** A Redis client of a port nobody listens on (commands time out after 1 s); the caller shuts it down. */
    public static RedisClient unreachableRedis() {
        RedisURI nowhere = RedisURI.create("127.0.0.1", 1);
        nowhere.setTimeout(Duration.ofSeconds(1));
        return RedisClient.create(nowhere);
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
        // A key prefix of this JVM's own: rate limits and lockouts of earlier runs never leak in.
        properties.put("parley.redis.key-prefix", REDIS_PREFIX);
        properties.put("parley.visitor-tokens.key-file", TOKEN_KEY.toString());
        properties.put("parley.bots.seed-demo", "true");
        properties.put("parley.auth.base-url", "https://console.parley.test");
        properties.put("parley.auth.mail-from", "Parley test <no-reply@parley.test>");
        properties.put("parley.auth.signing-keys-file", SIGNING_KEYS_FILE.toString());
        properties.put("parley.auth.api-key-pepper-file", API_KEY_PEPPER.toString());
        // the keysets the shared test database was migrated with, generated for this JVM
        properties.put("parley.encryption.keyset-file", TestKeys.files().fieldKeyset().toString());
        properties.put("parley.encryption.blind-index-keyset-file", TestKeys.files().blindIndexKeyset().toString());
        properties.put("spring.mail.host", "127.0.0.1");
        properties.put("spring.mail.port", Integer.toString(MAIL.getSmtp().getPort()));
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

    private static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(String prefix, String suffix, String content) {
        try {
            Path file = Files.createTempFile(prefix, suffix);
            file.toFile().deleteOnExit();
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop));
        return mail;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
