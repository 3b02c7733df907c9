package io.parley.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Checks, before the web server starts listening, that Netty will terminate TLS with the
 * BoringSSL engine of netty-tcnative rather than silently falling back to the JDK engine.
 */
@Component
public class TlsEngineCheck implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(TlsEngineCheck.class);

    private final TlsProperties properties;

    public TlsEngineCheck(TlsProperties properties) {
        this.properties = properties;
    }

    /** The engine Reactor Netty's HTTP/1.1 server context uses: OPENSSL when tcnative loads. */
    public static SslProvider serverEngine() {
        return SslContext.defaultServerProvider();
    }

    public static boolean usesBoringSsl() {
        return OpenSsl.isAvailable()
                && serverEngine() == SslProvider.OPENSSL
                && OpenSsl.versionString().contains("BoringSSL");
    }

    @Override
    public void afterPropertiesSet() {
        if (usesBoringSsl()) {
            log.info("TLS engine: {} ({})", serverEngine(), OpenSsl.versionString());
            return;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        String message = "TLS engine is " + serverEngine() + ", not BoringSSL (netty-tcnative): "
                + (cause != null ? cause : "OpenSSL available but not BoringSSL");
        if (properties.requireNativeEngine()) {
            throw new IllegalStateException(message
                    + "; run on linux-x86_64 or linux-aarch_64, or set parley.tls.require-native-engine=false");
        }
        log.warn("{}; continuing because parley.tls.require-native-engine=false", message);
    }
}
