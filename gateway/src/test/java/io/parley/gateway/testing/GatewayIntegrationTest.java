package io.parley.gateway.testing;

import io.parley.gateway.testing.TestCertificates.TestCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.http.client.HttpClient;

/**
 * Base class for tests against the whole gateway over real TLS: random ports, the {@code test}
 * profile, and one self-signed certificate shared by every subclass (so they share one cached
 * Spring context). Subclasses may add their own {@code @DynamicPropertySource} methods.
 *
 * <pre>{@code
 * class MyEndToEndTest extends GatewayIntegrationTest {
 *     @Test void works() {
 *         var status = https().get().uri("/api/v1/...").response().block(TIMEOUT).status();
 *     }
 * }
 * }</pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class GatewayIntegrationTest {

    public static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(20);

    /** The certificate the server presents, generated once per JVM. */
    public static final TestCertificate CERTIFICATE = TestCertificates.generate(sharedDirectory());

    @LocalServerPort
    protected int httpsPort;

    @DynamicPropertySource
    static void serverCertificate(DynamicPropertyRegistry registry) {
        useCertificate(registry, CERTIFICATE);
        TestBackends.register(registry);
    }

    /** Points the server's SSL bundle at {@code certificate}'s files. */
    public static void useCertificate(DynamicPropertyRegistry registry, TestCertificate certificate) {
        registry.add("spring.ssl.bundle.pem.server.keystore.certificate", () -> certificate.certificate().toString());
        registry.add("spring.ssl.bundle.pem.server.keystore.private-key", () -> certificate.privateKey().toString());
    }

    /** An HTTPS client for the server under test, trusting only {@link #CERTIFICATE}. */
    protected HttpClient https() {
        return TestClients.https(CERTIFICATE, httpsPort);
    }

    private static Path sharedDirectory() {
        try {
            Path directory = Files.createTempDirectory("parley-test-tls");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
