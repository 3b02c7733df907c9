package io.parley.gateway.widget;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A customer's website for the widget tests: its own HTTPS origin ({@code https://localhost:<port>}, the
 * test certificate), serving one page that embeds the widget with the embed line of the README, under a
 * strict Content-Security-Policy that allows nothing but the widget's script and socket (the README's
 * snippet, with exact paths), plus its own {@code /host.js}, which records what a test wants to read back:
 * CSP violations, {@code alert} calls and the widget's {@code parley:*} events.
 */
final class HostPage implements AutoCloseable {
    static final String HOST_SCRIPT = """
            window.__host = { violations: [], alerts: 0, events: [] };
            document.addEventListener('securitypolicyviolation', function (e) {
              window.__host.violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
            });
            window.alert = function () { window.__host.alerts++; };
            ['ready', 'open', 'close', 'message', 'unread', 'handoff', 'connection', 'identityrequired', 'error']
              .forEach(function (name) {
                window.addEventListener('parley:' + name, function (e) { window.__host.events.push({ name: name, detail: e.detail, at: Date.now() }); });
              });
            """;

    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("pk_[A-Za-z0-9_-]{1,125}");

    private final DisposableServer server;
    private final String widgetOrigin;

    /** Serves pages embedding {@code <widgetOrigin>/widget.js}: {@code /?key=pk_…} with that key. */
    HostPage(TestCertificate certificate, String widgetOrigin) {
        this.widgetOrigin = widgetOrigin;
        SslContext tls = serverContext(certificate);
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .secure(spec -> spec.sslContext(tls))
                .route(routes -> routes
                        .get("/", (request, response) -> response
                                .header("Content-Type", "text/html; charset=utf-8")
                                .header("Content-Security-Policy", contentSecurityPolicy())
                                .header("Cache-Control", "no-store")
                                .sendString(Mono.just(html(keyOf(request.uri()))), StandardCharsets.UTF_8))
                        .get("/host.js", (request, response) -> response
                                .header("Content-Type", "text/javascript; charset=utf-8")
                                .sendString(Mono.just(HOST_SCRIPT), StandardCharsets.UTF_8)))
                .bindNow();
    }

    /** The page's origin, to be allowed on the test bot. */
    String origin() {
        return "https://localhost:" + server.port();
    }

    /** The page embedding the widget with {@code key}. */
    String url(String key) {
        return origin() + "/?key=" + key;
    }

    private static String keyOf(String uri) {
        String key = uri.substring(uri.indexOf("key=") + 4);
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a widget key: " + key);
        }
        return key;
    }

    /**
     * Everything but the widget's script and socket is refused: no styles (so the widget's constructed
     * stylesheet must need none), no inline script, Trusted Types enforced (so no HTML sink is used).
     */
    String contentSecurityPolicy() {
        String socketOrigin = widgetOrigin.replace("https://", "wss://");
        return "default-src 'none'; script-src 'self' " + widgetOrigin + "/widget.js; connect-src " + socketOrigin
                + "/ws/visitor; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
                + "require-trusted-types-for 'script'; trusted-types 'none'";
    }

    private String html(String key) {
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Acme Shop</title><script src="/host.js"></script></head>
                <body>
                <h1>Acme Shop</h1>
                <p>Hand-made teapots since 1897. Questions? Ask us in the chat.</p>
                <script src="%s/widget.js" data-key="%s" async></script>
                </body>
                </html>
                """.formatted(widgetOrigin, key);
    }

    private static SslContext serverContext(TestCertificate certificate) {
        try {
            return SslContextBuilder.forServer(certificate.certificate().toFile(), certificate.privateKey().toFile())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
