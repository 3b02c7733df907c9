package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TlsProbe;
import io.parley.gateway.testing.TlsProbe.Handshake;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** The ECDSA-certificate server: which protocol versions and suites it accepts. */
class TlsProtocolPolicyTest extends GatewayIntegrationTest {

    @Test
    void handshakesWithTls13() {
        Handshake handshake = TlsProbe.handshake(
                CERTIFICATE.trustingClientBuilder().protocols("TLSv1.3").build(), httpsPort, TIMEOUT);

        assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
        assertThat(handshake.serverCertificate()).isEqualTo(CERTIFICATE.x509());
    }

    @Test
    void handshakesWithTls12UsingEcdheEcdsaAesGcm() {
        Handshake handshake = TlsProbe.handshake(CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
                .build(), httpsPort, TIMEOUT);

        assertThat(handshake.protocol()).isEqualTo("TLSv1.2");
        assertThat(handshake.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void handshakesWithTls12UsingEcdheEcdsaChaCha20Poly1305() {
        Handshake handshake = TlsProbe.handshake(CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
                .build(), httpsPort, TIMEOUT);

        assertThat(handshake.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void refusesClientOfferingOnlyTls11() {
        var client = CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.1")
                .ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")
                .build();

        assertThat(TlsProbe.refusal(client, httpsPort, TIMEOUT)).isInstanceOf(SSLException.class);
    }

    @Test
    void refusesTls12ClientOfferingOnlyCbcSuites() {
        var client = CERTIFICATE.trustingClientBuilder()
                .protocols("TLSv1.2")
                .ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA")
                .build();

        assertThat(TlsProbe.refusal(client, httpsPort, TIMEOUT)).isInstanceOf(SSLException.class);
    }
}
