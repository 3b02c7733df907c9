package io.parley.gateway.auth.oidc;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A browser, by hand: follows no redirect by itself, keeps the cookies the gateway sets, and speaks
 * to the gateway over its real TLS as a client behind the trusted loopback proxy ({@code address} in
 * X-Forwarded-For), and to the mock OIDC provider over plain HTTP.
 */
final class OidcBrowser {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient gateway;
    private final HttpClient provider = HttpClient.create().followRedirect(false);
    private final String address;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    OidcBrowser(HttpClient gateway, String address) {
        this.gateway = gateway.followRedirect(false);
        this.address = address;
    }

    record Reply(int status, HttpHeaders headers, String body) {
        String location() {
            return headers.get(HttpHeaderNames.LOCATION);
        }

        /** name → value of every Set-Cookie of this reply. */
        Map<String, String> setCookies() {
            Map<String, String> set = new LinkedHashMap<>();
            for (String cookie : headers.getAll(HttpHeaderNames.SET_COOKIE)) {
                String pair = cookie.split(";", 2)[0];
                set.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            return set;
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** GET on the gateway: {@code target} is a path with query, or a URL of which only those are used. */
    Reply gateway(String target) {
        URI uri = URI.create(target);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Reply reply = gateway
                .headers(h -> {
                    h.set("X-Forwarded-For", address);
                    if (!cookies.isEmpty()) {
                        h.set(HttpHeaderNames.COOKIE, cookies.entrySet().stream()
                                .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                                .collect(Collectors.joining("; ")));
                    }
                })
                .get().uri(path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
        reply.setCookies().forEach((name, value) -> {
            if (value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        });
        return reply;
    }

    /** GET of a URL on the mock OIDC provider (its authorize endpoint). */
    Reply provider(String url) {
        return provider.get().uri(url)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    Map<String, String> cookies() {
        return cookies;
    }

    static Map<String, String> query(String url) {
        String query = URI.create(url).getRawQuery();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** {@code url} with {@code name} set to {@code value}, or left out when {@code value} is null. */
    static String withParameter(String url, String name, String value) {
        URI uri = URI.create(url);
        List<String> kept = query(url).entrySet().stream().filter(e -> !e.getKey().equals(name))
                .map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        if (value != null) {
            kept.add(name + "=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return uri.getRawPath() + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
}
