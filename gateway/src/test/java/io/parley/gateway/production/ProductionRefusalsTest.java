package io.parley.gateway.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.netty.handler.ssl.SslContextBuilder;
import io.parley.gateway.ParleyApplication;
import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.TestBackends;
import io.parley.gateway.testing.TestCertificates;
import io.parley.gateway.testing.TestCertificates.IssuedCertificate;
import io.parley.gateway.testing.TestClients;
import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The prod profile, started for real: a correct production configuration starts and serves HTTPS with a
 * CA-issued certificate; each development or test setting alone stops the start-up with a message
 * naming it, and several are listed together.
 */
class ProductionRefusalsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Production's own database: a name of its own, never the test database's (parley_test_x → parley_prodcheck_x). */
    private static final String PRODUCTION_DATABASE = TestDatabase.name().replace("test", "prodcheck");

    @TempDir
    static Path secrets;
    private static IssuedCertificate certificate;
    private static EncryptionKeyFiles keysets;

    @BeforeAll
    static void productionSecretsAndDatabase() throws Exception {
        certificate = TestCertificates.generateIssued(secrets.resolve("tls"));
        keysets = TestKeys.generate();
        Files.writeString(secrets.resolve("visitor-token.key"), randomKey());
        Files.writeString(secrets.resolve("api-key-pepper"), randomKey());
        Files.writeString(secrets.resolve("jwks.json"), signingKeys("prod-2026-11"));
        admin("CREATE DATABASE " + PRODUCTION_DATABASE, "42P04");
    }

    @AfterAll
    static void dropTheProductionDatabase() throws Exception {
        admin("DROP DATABASE IF EXISTS " + PRODUCTION_DATABASE + " WITH (FORCE)", null);
    }

    private static void admin(String sql, String acceptedState) throws SQLException {
        String url = "jdbc:postgresql://" + TestDatabase.host() + ":" + TestDatabase.port() + "/postgres";
        try (Connection db = DriverManager.getConnection(url, TestDatabase.user(), TestDatabase.password());
             Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            if (!e.getSQLState().equals(acceptedState)) {
                throw e;
            }
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String signingKeys(String kid) throws Exception {
        return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate()).toString(false);
    }

    /** What an operator injects in production, all correct (as command-line arguments, above application-prod.yml). */
    private static Map<String, String> production() {
        String database = "//" + TestDatabase.host() + ":" + TestDatabase.port() + "/" + PRODUCTION_DATABASE;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.ssl.bundle.pem.server.keystore.certificate", certificate.leaf().certificate().toString());
        settings.put("spring.ssl.bundle.pem.server.keystore.private-key", "file:" + certificate.leaf().privateKey());
        settings.put("parley.visitor-tokens.key-file", secrets.resolve("visitor-token.key").toString());
        settings.put("parley.auth.signing-keys-file", secrets.resolve("jwks.json").toString());
        settings.put("parley.auth.api-key-pepper-file", secrets.resolve("api-key-pepper").toString());
        settings.put("parley.encryption.keyset-file", keysets.fieldKeyset().toString());
        settings.put("parley.encryption.blind-index-keyset-file", keysets.blindIndexKeyset().toString());
        settings.put("parley.backup.schedule", "-"); // backups by a Kubernetes CronJob: no backup keyset on this node
        settings.put("parley.auth.base-url", "https://console.parley.example");
        settings.put("parley.auth.mail-from", "Parley <no-reply@parley.example>");
        settings.put("spring.mail.host", "127.0.0.1");
        settings.put("spring.mail.port", Integer.toString(TestBackends.MAIL.getSmtp().getPort()));
        settings.put("parley.database.r2dbc-url", "r2dbc:postgresql:" + database);
        settings.put("parley.database.jdbc-url", "jdbc:postgresql:" + database);
        settings.put("parley.database.username", TestDatabase.user());
        // The test server trusts loopback and asks for no password, but production must have one set.
        settings.put("parley.database.password", TestDatabase.password().isEmpty() ? "ignored-by-trust-auth"
                : TestDatabase.password());
        settings.put("parley.redis.uri", TestBackends.properties().get("parley.redis.uri"));
        settings.put("parley.redis.key-prefix", ProductionChecks.REDIS_PREFIX + UUID.randomUUID().toString().substring(0, 8) + ":");
        settings.put("server.port", "0");
        settings.put("management.server.port", "0");
        settings.put("parley.http.redirect-port", "0");
        settings.put("parley.http.bind-address", "127.0.0.1");
        // as in the packaged application, where no logback-test.xml of a test jar is on the class path
        settings.put("logging.config", "classpath:logback-spring.xml");
        return settings;
    }

    private static ConfigurableApplicationContext start(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        // own event loops: closing this node must not stop the servers of other test contexts in this JVM
        return new SpringApplicationBuilder(ParleyApplication.class, ExtraNodes.OwnEventLoops.class).profiles("prod")
                .run(args.toArray(String[]::new));
    }

    /** The problems the prod profile refuses {@code settings} with (it must refuse). */
    private static List<String> refusal(Map<String, String> settings) {
        Throwable thrown = catchThrowable(() -> start(settings).close());
        assertThat(thrown).isInstanceOf(ProductionRefusedException.class);
        return ((ProductionRefusedException) thrown).problems();
    }

    private static Map<String, String> productionWith(String name, String value) {
        Map<String, String> settings = production();
        settings.put(name, value);
        return settings;
    }

    @Test
    void aCorrectProductionConfigurationStartsAndServesHttpsWithItsCaIssuedCertificate() throws Exception {
        try (ConfigurableApplicationContext context = start(production())) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            var client = TestClients.https(SslContextBuilder.forClient().trustManager(certificate.authority()).build(), port);

            Integer status = client.get().uri("/.well-known/security.txt").response().map(r -> r.status().code())
                    .block(TIMEOUT);

            assertThat(status).isEqualTo(200);
            assertThat(context.getEnvironment().getProperty("parley.logging.console")).isEqualTo("json");
        }
    }

    @Test
    void demoDataIsRefused() {
        assertThat(refusal(productionWith("parley.bots.seed-demo", "true")))
                .singleElement().asString().startsWith("parley.bots.seed-demo is true").contains("pk_demo");
    }

    @Test
    void aSecretFromTheDevelopmentFolderIsRefused() throws Exception {
        Path devKey = Files.createDirectories(secrets.resolve("checkout/.dev/secrets")).resolve("visitor-token.key");
        Files.writeString(devKey, randomKey());

        assertThat(refusal(productionWith("parley.visitor-tokens.key-file", devKey.toString())))
                .singleElement().asString().startsWith("parley.visitor-tokens.key-file (" + devKey + ")")
                .contains("development secret (under .dev/");
    }

    @Test
    void aMissingEncryptionKeysetIsRefused() {
        assertThat(refusal(productionWith("parley.encryption.keyset-file", "${PARLEY_UNSET_KEYSET_FOR_TEST}")))
                .containsExactly("parley.encryption.keyset-file is not set (set PARLEY_UNSET_KEYSET_FOR_TEST)");
    }

    @Test
    void aDevelopmentKeyEncryptionKeyIsRefused() throws Exception {
        Path devKek = Files.createDirectories(secrets.resolve("checkout/.dev/secrets")).resolve("kek.json");
        Files.writeString(devKek, "{}");

        assertThat(refusal(productionWith("parley.encryption.kek-file", devKek.toString())))
                .singleElement().asString().startsWith("parley.encryption.kek-file (" + devKek + ")")
                .contains("development secret (under .dev/");
    }

    @Test
    void aNodeThatBacksUpNeedsTheBackupKeyset() {
        Map<String, String> settings = productionWith("parley.backup.schedule", "0 0 */6 * * *");
        settings.put("parley.backup.directory", secrets.resolve("backups").toString());
        settings.put("parley.backup.keyset-file", secrets.resolve("no-such-backup-keyset.json").toString());

        assertThat(refusal(settings)).containsExactly("parley.backup.keyset-file ("
                + secrets.resolve("no-such-backup-keyset.json") + ") does not exist");
    }

    @Test
    void developmentSigningKeysAreRefused() throws Exception {
        Path devKeys = Files.writeString(secrets.resolve("dev-jwks.json"), signingKeys("dev-20261129-ab12"));

        assertThat(refusal(productionWith("parley.auth.signing-keys-file", devKeys.toString())))
                .singleElement().asString().startsWith("parley.auth.signing-keys-file (" + devKeys + ") holds development "
                        + "signing keys (kid dev-20261129-ab12");
    }

    @Test
    void aSelfSignedCertificateIsRefused() {
        TestCertificates.TestCertificate selfSigned = TestCertificates.generate(secrets.resolve("self-signed"));
        Map<String, String> settings = productionWith("spring.ssl.bundle.pem.server.keystore.certificate",
                selfSigned.certificate().toString());
        settings.put("spring.ssl.bundle.pem.server.keystore.private-key", selfSigned.privateKey().toString());

        assertThat(refusal(settings)).singleElement().asString()
                .startsWith("spring.ssl.bundle.pem.server.keystore.certificate is self-signed (CN=localhost");
    }

    @Test
    void aMissingSecretFileIsRefused() {
        Path missing = secrets.resolve("no-such-pepper");

        assertThat(refusal(productionWith("parley.auth.api-key-pepper-file", missing.toString())))
                .containsExactly("parley.auth.api-key-pepper-file (" + missing + ") does not exist");
    }

    @Test
    void aSecretNotGivenIsRefusedNamingTheVariableToSet() {
        assertThat(refusal(productionWith("parley.auth.api-key-pepper-file", "${PARLEY_UNSET_PEPPER_FOR_TEST}")))
                .containsExactly("parley.auth.api-key-pepper-file is not set (set PARLEY_UNSET_PEPPER_FOR_TEST)");
    }

    @Test
    void aMailSenderNotGivenIsRefused() {
        assertThat(refusal(productionWith("parley.auth.mail-from", "${PARLEY_UNSET_MAIL_FROM_FOR_TEST}")))
                .containsExactly("parley.auth.mail-from is not set (set PARLEY_UNSET_MAIL_FROM_FOR_TEST)");
    }

    @Test
    void anEmptySecretFileIsRefused() throws Exception {
        Path empty = Files.writeString(secrets.resolve("empty-pepper"), "\n");

        assertThat(refusal(productionWith("parley.auth.api-key-pepper-file", empty.toString())))
                .containsExactly("parley.auth.api-key-pepper-file (" + empty + ") is empty");
    }

    @Test
    void insecureCookiesAreRefused() {
        assertThat(refusal(productionWith("server.reactive.session.cookie.secure", "false")))
                .singleElement().asString().startsWith("server.reactive.session.cookie.secure is false");
    }

    @Test
    void plainHttpIsRefused() {
        assertThat(refusal(productionWith("server.ssl.enabled", "false")))
                .singleElement().asString().startsWith("server.ssl.enabled is false");
    }

    @Test
    void anotherEnvironmentsRedisKeyPrefixIsRefused() {
        assertThat(refusal(productionWith("parley.redis.key-prefix", "parley:test:")))
                .singleElement().asString().startsWith("parley.redis.key-prefix is \"parley:test:\", not production's");
    }

    @Test
    void theTestDatabaseIsRefused() {
        Map<String, String> settings = productionWith("parley.database.r2dbc-url", TestDatabase.r2dbcUrl());
        settings.put("parley.database.jdbc-url", TestDatabase.jdbcUrl());

        assertThat(refusal(settings)).singleElement().asString()
                .startsWith("the database \"" + TestDatabase.name() + "\"").contains("named for development or test");
    }

    @Test
    void theDevelopmentDatabaseLoginIsRefused() {
        Map<String, String> settings = productionWith("parley.database.username", "postgres");
        settings.put("parley.database.password", "");

        assertThat(refusal(settings)).singleElement().asString()
                .startsWith("parley.database.password is empty for the user postgres");
    }

    @Test
    void everyProblemIsListedInOneMessage() {
        Map<String, String> settings = productionWith("parley.bots.seed-demo", "true");
        settings.put("parley.redis.key-prefix", "parley:dev:");
        settings.put("parley.auth.api-key-pepper-file", "");

        Throwable thrown = catchThrowable(() -> start(settings).close());

        assertThat(thrown).hasMessageStartingWith("refusing to start with the prod profile: 3 problem(s)")
                .hasMessageContaining("parley.bots.seed-demo is true")
                .hasMessageContaining("parley.redis.key-prefix is \"parley:dev:\"")
                .hasMessageContaining("parley.auth.api-key-pepper-file is not set");
    }
}
