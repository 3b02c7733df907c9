package io.parley.gateway.auth.session;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;

/** How a session's tokens are handed to an API client. */
public final class SessionResponses {

    private SessionResponses() {
    }

    public record SessionBody(String accessToken, String tokenType, long expiresIn, String refreshToken,
                              long refreshExpiresIn) {
    }

    /**
     * For cookie clients (the console): the refresh token stays in its HttpOnly cookie only; the access
     * token comes in the body too, because {@code /ws/agent} authenticates by the token in {@code hello},
     * never by a cookie. The console keeps it in memory only.
     */
    public record CookieSessionBody(String accessToken, String tokenType, long expiresIn) {
    }

    public static ResponseEntity<SessionBody> json(RefreshSessions.Session session) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new SessionBody(session.accessToken(),
                "Bearer", session.accessLifetime().toSeconds(), session.refreshToken(),
                session.refreshLifetime().toSeconds()));
    }
}
