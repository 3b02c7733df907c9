package io.parley.gateway.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/** Opens a fresh TLS connection, completes the handshake and reports what was negotiated. */
public final class TlsProbe {

    private TlsProbe() {
    }

    /**
     * What a completed handshake agreed on.
     *
     * @param protocol e.g. {@code TLSv1.3}
     * @param cipherSuite IANA name, e.g. {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
     * @param serverCertificate the leaf certificate the server presented
     */
    public record Handshake(String protocol, String cipherSuite, X509Certificate serverCertificate) {
    }

    /**
     * Expects the server at {@code localhost:port} to refuse a handshake from {@code client} and
     * returns the TLS error the client saw; fails if the handshake succeeds or fails otherwise.
     */
    public static SSLException refusal(SslContext client, int port, Duration timeout) {
        Handshake handshake;
        try {
            handshake = handshake(client, port, timeout);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SSLException ssl) {
                    return ssl;
                }
            }
            throw new AssertionError("connection failed, but not with a TLS error", e);
        }
        throw new AssertionError("expected the handshake to be refused, but it negotiated " + handshake);
    }

    /**
     * Handshakes with {@code localhost:port} using {@code client}; a refused handshake surfaces as
     * an exception (typically {@link javax.net.ssl.SSLHandshakeException}).
     */
    public static Handshake handshake(SslContext client, int port, Duration timeout) {
        Connection connection = TcpClient.newConnection()
                .host("localhost")
                .port(port)
                .secure(spec -> spec.sslContext(client))
                .connectNow(timeout);
        try {
            SSLSession session = connection.channel().pipeline().get(SslHandler.class).engine().getSession();
            return new Handshake(session.getProtocol(), session.getCipherSuite(),
                    (X509Certificate) session.getPeerCertificates()[0]);
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        } finally {
            connection.disposeNow(timeout);
        }
    }
}
