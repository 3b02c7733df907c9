package io.parley.gateway.auth.session;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * The browser console's session cookies. {@code __Host-} makes browsers insist on Secure, Path=/ and
 * no Domain, so no sibling subdomain can set or shadow them; HttpOnly keeps them from scripts;
 * SameSite=Strict keeps them off cross-site requests (CSRF tokens still guard unsafe requests).
 */
public final class SessionCookies {
    public static final String ACCESS = "__Host-parley-access";
    public static final String REFRESH = "__Host-parley-refresh";

    private SessionCookies() {
    }

    public static void set(ServerHttpResponse response, RefreshSessions.Session session) {
        response.addCookie(cookie(ACCESS, session.accessToken(), session.accessLifetime()));
        response.addCookie(cookie(REFRESH, session.refreshToken(), session.refreshLifetime()));
    }

    public static void clear(ServerHttpResponse response) {
        response.addCookie(cookie(ACCESS, "", Duration.ZERO));
        response.addCookie(cookie(REFRESH, "", Duration.ZERO));
    }

    public static @Nullable String read(ServerHttpRequest request, String name) {
        HttpCookie cookie = request.getCookies().getFirst(name);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }

    /** Whether the request carries any session cookie, i.e. whether a browser may have sent it unasked. */
    public static boolean present(ServerHttpRequest request) {
        return read(request, ACCESS) != null || read(request, REFRESH) != null;
    }

    private static ResponseCookie cookie(String name, String value, Duration maxAge) {
        return ResponseCookie.from(name, value).httpOnly(true).secure(true).sameSite("Strict").path("/")
                .maxAge(maxAge).build();
    }
}
