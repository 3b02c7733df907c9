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

    /** For cookie clients: the tokens are in the cookies, the body says only when to refresh. */
    public record CookieSessionBody(long expiresIn) {
    }

    public static ResponseEntity<SessionBody> json(RefreshSessions.Session session) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new SessionBody(session.accessToken(),
                "Bearer", session.accessLifetime().toSeconds(), session.refreshToken(),
                session.refreshLifetime().toSeconds()));
    }
}
