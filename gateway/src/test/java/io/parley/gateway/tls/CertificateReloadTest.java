package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.gateway.testing.TestCertificates;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.TlsProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Replaces the certificate files under a running server; its own context, since it mutates them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext
class CertificateReloadTest {

    static final Path DIRECTORY = temporaryDirectory();
    static final TestCertificate ORIGINAL = TestCertificates.generate(DIRECTORY);

    @LocalServerPort
    int httpsPort;

    @DynamicPropertySource
    static void certificate(DynamicPropertyRegistry registry) {
        GatewayIntegrationTest.useCertificate(registry, ORIGINAL);
        TestBackends.register(registry);
    }

    @Test
    void presentsNewCertificateOnceItsFilesAreReplaced() throws SSLException {
        assertThat(TlsProbe.handshake(ORIGINAL.trustingClientContext(), httpsPort, GatewayIntegrationTest.TIMEOUT)
                .serverCertificate().getSerialNumber()).isEqualTo(ORIGINAL.serial());

        TestCertificate replacement = TestCertificates.generate(DIRECTORY);
        SslContext trustingBoth = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(ORIGINAL.x509(), replacement.x509()).build();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(TlsProbe.handshake(trustingBoth, httpsPort, GatewayIntegrationTest.TIMEOUT)
                        .serverCertificate().getSerialNumber()).isEqualTo(replacement.serial()));
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("parley-test-reload");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
