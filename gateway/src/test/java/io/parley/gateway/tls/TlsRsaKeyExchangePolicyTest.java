package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.gateway.testing.TestCertificates;
import io.parley.gateway.testing.TestCertificates.KeyType;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.TlsProbe;
import java.io.IOException;
import java.nio.file.Files;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With an RSA certificate, static-RSA key exchange would be possible if the server allowed it;
 * these tests show it does not (nor ECDHE-RSA with CBC).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class TlsRsaKeyExchangePolicyTest {

    static final TestCertificate RSA_CERTIFICATE;

    static {
        try {
            RSA_CERTIFICATE = TestCertificates.generate(Files.createTempDirectory("parley-test-rsa"), KeyType.RSA_2048);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int httpsPort;

    @DynamicPropertySource
    static void rsaCertificate(DynamicPropertyRegistry registry) {
        GatewayIntegrationTest.useCertificate(registry, RSA_CERTIFICATE);
        TestBackends.register(registry);
    }

    @Test
    void handshakesWithTls12UsingEcdheRsaAesGcm() {
        var handshake = TlsProbe.handshake(RSA_CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
                .build(), httpsPort, GatewayIntegrationTest.TIMEOUT);

        assertThat(handshake.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void refusesClientOfferingOnlyRsaKeyExchange() {
        var client = RSA_CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                        "TLS_RSA_WITH_AES_128_CBC_SHA")
                .build();

        assertThat(TlsProbe.refusal(client, httpsPort, GatewayIntegrationTest.TIMEOUT)).isInstanceOf(SSLException.class);
    }

    @Test
    void refusesTls12ClientOfferingOnlyEcdheRsaCbcSuites() {
        var client = RSA_CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
                .build();

        assertThat(TlsProbe.refusal(client, httpsPort, GatewayIntegrationTest.TIMEOUT)).isInstanceOf(SSLException.class);
    }
}
