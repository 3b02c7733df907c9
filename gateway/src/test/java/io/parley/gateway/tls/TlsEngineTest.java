package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsEngineTest {

    @Test
    void nettyTerminatesTlsWithBoringSslFromTcnative() {
        assertThat(OpenSsl.unavailabilityCause()).isNull();
        assertThat(OpenSsl.isAvailable()).isTrue();
        assertThat(OpenSsl.versionString()).contains("BoringSSL");
        assertThat(SslContext.defaultServerProvider()).isEqualTo(SslProvider.OPENSSL);
        assertThat(TlsEngineCheck.usesBoringSsl()).isTrue();
    }
}
