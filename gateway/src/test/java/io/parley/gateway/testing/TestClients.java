package io.parley.gateway.testing;

import io.netty.handler.ssl.SslContext;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import reactor.netty.http.client.HttpClient;

/** Reactor Netty clients for tests. */
public final class TestClients {

    private TestClients() {
    }

    /** HTTPS to {@code https://localhost:port}, trusting only {@code certificate}. */
    public static HttpClient https(TestCertificate certificate, int port) {
        return https(certificate.trustingClientContext(), port);
    }

    /** HTTPS to {@code https://localhost:port} with a caller-built context (e.g. restricted protocols). */
    public static HttpClient https(SslContext sslContext, int port) {
        return HttpClient.create()
                .baseUrl("https://localhost:" + port)
                .secure(spec -> spec.sslContext(sslContext));
    }

    /** Plain HTTP to {@code http://127.0.0.1:port}; redirects are not followed. */
    public static HttpClient http(int port) {
        return HttpClient.create().baseUrl("http://127.0.0.1:" + port).followRedirect(false);
    }
}
