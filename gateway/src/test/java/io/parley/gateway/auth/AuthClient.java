package io.parley.gateway.auth;

import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.TestBackends;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Drives the login endpoints over real HTTPS and reads the magic-link e-mails GreenMail received. */
public final class AuthClient {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    public static final String BASE_URL = "https://console.parley.test";
    static final Pattern LINK = Pattern.compile(Pattern.quote(BASE_URL) + "/login/magic\\?token=([A-Za-z0-9_-]{43})");
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient https;

    public AuthClient(HttpClient https) {
        this.https = https;
    }

    public record Reply(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.get(name);
        }

        List<String> setCookies() {
            return headers.getAll(HttpHeaderNames.SET_COOKIE);
        }

        /** name → value of every Set-Cookie. */
        Map<String, String> cookies() {
            Map<String, String> cookies = new LinkedHashMap<>();
            for (String cookie : setCookies()) {
                String pair = cookie.split(";", 2)[0];
                cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            return cookies;
        }
    }

    static String uniqueEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@parley.test";
    }

    public Reply get(String path, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
        return https.headers(headers).get().uri(path).responseSingle((response, body) -> body.asString()
                .defaultIfEmpty("").map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    Reply head(String path) {
        return https.head().uri(path).responseSingle((response, body) -> body.asString()
                .defaultIfEmpty("").map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    public Reply post(String path, String contentType, String body, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
        return https.headers(h -> {
                    if (contentType != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    }
                    headers.accept(h);
                })
                .post().uri(path)
                .send(body.isEmpty() ? (request, out) -> out.then() : (request, out) -> out.sendString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    Reply delete(String path, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
        return https.headers(headers).delete().uri(path).responseSingle((response, body) -> body.asString()
                .defaultIfEmpty("").map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    public Reply postJson(String path, String json) {
        return post(path, "application/json", json, h -> { });
    }

    Reply requestLink(String email) {
        return postJson("/api/v1/auth/magic-links", "{\"email\":\"" + email + "\"}");
    }

    Reply redeemJson(String token) {
        return postJson("/api/v1/auth/magic-links/redeem", "{\"token\":\"" + token + "\"}");
    }

    /** Requests a link for {@code email} and returns the token from the e-mail that arrives. */
    String tokenFor(String email) {
        int before = linksTo(email).size();
        Reply reply = requestLink(email);
        if (reply.status() != 202) {
            throw new AssertionError("link request answered " + reply.status() + " " + reply.body());
        }
        return await().atMost(TIMEOUT).until(() -> linksTo(email), links -> links.size() > before).get(before);
    }

    /** A bearer session for a fresh (signed-up) operator: the redeem answer's JSON. */
    JsonNode signUp(String email) {
        Reply reply = redeemJson(tokenFor(email));
        if (reply.status() != 200) {
            throw new AssertionError("redeem answered " + reply.status() + " " + reply.body());
        }
        return reply.json();
    }

    Reply me(String accessToken) {
        return get("/api/v1/me", h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + accessToken));
    }

    /** The tokens of every link mailed to {@code email}, oldest first. */
    public static List<String> linksTo(String email) {
        return Arrays.stream(TestBackends.MAIL.getReceivedMessages())
                .filter(message -> addressedTo(message, email))
                .map(AuthClient::text)
                .map(text -> {
                    Matcher matcher = LINK.matcher(text);
                    if (!matcher.find()) {
                        throw new AssertionError("no link on the configured base URL in: " + text);
                    }
                    return matcher.group(1);
                })
                .toList();
    }

    static String mailText(String email) {
        return Arrays.stream(TestBackends.MAIL.getReceivedMessages())
                .filter(message -> addressedTo(message, email))
                .map(AuthClient::text)
                .reduce("", String::concat);
    }

    static String form(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }

    static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean addressedTo(MimeMessage message, String email) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                    .anyMatch(address -> address.toString().equalsIgnoreCase(email));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(MimeMessage message) {
        try {
            return message.getContent().toString();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
