package io.parley.gateway.tls;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Listens on plain HTTP and answers every request with a permanent redirect to the same host,
 * path and query over HTTPS. It never serves content.
 *
 * <p>The status is 308 rather than 301: 308 forbids clients to turn a POST into a GET, so a
 * misconfigured API client gets its request repeated over HTTPS instead of silently losing the
 * body. Every browser Parley supports understands 308.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "parley.http.redirect-enabled", matchIfMissing = true)
public class HttpsRedirectServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HttpsRedirectServer.class);

    static final HttpResponseStatus REDIRECT_STATUS = HttpResponseStatus.PERMANENT_REDIRECT;

    private static final Pattern HOST = Pattern.compile(
            "(?<name>\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::[0-9]{1,5})?");

    private final HttpRedirectProperties properties;
    private final WebServerApplicationContext context;
    private volatile @Nullable DisposableServer server;
    private volatile int httpsPort;

    public HttpsRedirectServer(HttpRedirectProperties properties, WebServerApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void start() {
        httpsPort = properties.httpsPort() != null
                ? properties.httpsPort()
                : context.getWebServer().getPort();
        DisposableServer bound = HttpServer.create()
                .host(properties.bindAddress())
                .port(properties.redirectPort())
                .idleTimeout(Duration.ofSeconds(30))
                .handle(this::redirect)
                .bindNow(Duration.ofSeconds(10));
        server = bound;
        log.info("HTTP redirect listener on {}:{} -> https port {}",
                properties.bindAddress(), bound.port(), httpsPort);
    }

    @Override
    public void stop() {
        DisposableServer bound = server;
        server = null;
        if (bound != null) {
            bound.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Starts after the HTTPS server, whose actual port the redirects point to. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE + 1;
    }

    /** The port the plain-HTTP listener is bound to. */
    public int port() {
        DisposableServer bound = server;
        if (bound == null) {
            throw new IllegalStateException("HTTP redirect listener is not running");
        }
        return bound.port();
    }

    private Publisher<Void> redirect(HttpServerRequest request, HttpServerResponse response) {
        String host = hostName(request.requestHeaders().get(HttpHeaderNames.HOST));
        if (host == null) {
            return response.status(HttpResponseStatus.BAD_REQUEST).send();
        }
        String port = httpsPort == 443 ? "" : ":" + httpsPort;
        return response.status(REDIRECT_STATUS)
                .header(HttpHeaderNames.LOCATION, "https://" + host + port + pathAndQuery(request.uri()))
                .send();
    }

    static @Nullable String hostName(@Nullable String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        var matcher = HOST.matcher(hostHeader.trim());
        return matcher.matches() ? matcher.group("name") : null;
    }

    static String pathAndQuery(String requestTarget) {
        if (requestTarget.startsWith("/")) {
            return requestTarget;
        }
        // absolute-form (RFC 9112 §3.2.2), as proxies send it; the authority comes from Host
        try {
            URI uri = new URI(requestTarget);
            String path = uri.getRawPath();
            if (!uri.isAbsolute() || path == null || !path.startsWith("/")) {
                return "/";
            }
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        } catch (java.net.URISyntaxException e) {
            return "/";
        }
    }
}
