package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SessionTest extends GatewayIntegrationTest {
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    @Test
    void meNeedsAValidSession() {
        assertThat(client.get("/api/v1/me", h -> { }).status()).isEqualTo(401);
        assertThat(client.get("/api/v1/me", h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer nonsense")).status())
                .isEqualTo(401);
        assertThat(client.get("/api/v1/me", h -> h.set(HttpHeaderNames.COOKIE, "__Host-parley-access=nonsense")).status())
                .isEqualTo(401);
        JsonNode session = client.signUp(AuthClient.uniqueEmail("me"));
        assertThat(client.me(session.get("accessToken").asString()).status()).isEqualTo(200);
    }

    @Test
    void cookieAuthenticatedUnsafeRequestsNeedTheCsrfTokenBearerOnesDoNot() {
        JsonNode session = client.signUp(AuthClient.uniqueEmail("csrf"));
        String cookies = "__Host-parley-access=" + session.get("accessToken").asString()
                + "; __Host-parley-refresh=" + session.get("refreshToken").asString();

        assertThat(client.get("/api/v1/me", h -> h.set(HttpHeaderNames.COOKIE, cookies)).status())
                .as("a safe cookie request").isEqualTo(200);
        assertThat(client.post("/api/v1/auth/refresh", null, "", h -> h.set(HttpHeaderNames.COOKIE, cookies)).status())
                .as("cookie refresh without CSRF").isEqualTo(403);
        assertThat(client.post("/api/v1/auth/logout", null, "", h -> h.set(HttpHeaderNames.COOKIE, cookies)).status())
                .as("cookie logout without CSRF").isEqualTo(403);

        AuthClient.Reply csrf = client.get("/api/v1/auth/csrf", h -> { });
        String csrfToken = csrf.json().get("token").asString();
        assertThat(csrf.json().get("headerName").asString()).isEqualTo("X-XSRF-TOKEN");
        assertThat(csrf.cookies().get("__Host-XSRF-TOKEN")).isEqualTo(csrfToken);
        assertThat(client.post("/api/v1/auth/refresh", null, "", h -> h.set(HttpHeaderNames.COOKIE, cookies)
                .set("X-XSRF-TOKEN", "wrong")).status()).as("a wrong CSRF token").isEqualTo(403);

        AuthClient.Reply refreshed = client.post("/api/v1/auth/refresh", null, "", h -> h
                .set(HttpHeaderNames.COOKIE, cookies + "; __Host-XSRF-TOKEN=" + csrfToken)
                .set("X-XSRF-TOKEN", csrfToken));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.cookies()).containsKeys("__Host-parley-access", "__Host-parley-refresh");
        assertThat(refreshed.body()).doesNotContain(refreshed.cookies().get("__Host-parley-refresh"));

        String bearer = session.get("accessToken").asString();
        assertThat(client.post("/api/v1/auth/logout", null, "", h -> h.set(HttpHeaderNames.AUTHORIZATION,
                "Bearer " + bearer)).status()).as("a Bearer logout needs no CSRF token").isEqualTo(204);
    }

    @Test
    void refreshRotatesAndReusingAnOldRefreshTokenRevokesTheWholeFamily() {
        JsonNode first = client.signUp(AuthClient.uniqueEmail("rotate"));
        String oldRefresh = first.get("refreshToken").asString();

        AuthClient.Reply rotated = client.postJson("/api/v1/auth/refresh", "{\"refreshToken\":\"" + oldRefresh + "\"}");
        assertThat(rotated.status()).isEqualTo(200);
        String newRefresh = rotated.json().get("refreshToken").asString();
        assertThat(newRefresh).isNotEqualTo(oldRefresh);
        assertThat(client.me(rotated.json().get("accessToken").asString()).status()).isEqualTo(200);

        AuthClient.Reply reuse = client.postJson("/api/v1/auth/refresh", "{\"refreshToken\":\"" + oldRefresh + "\"}");
        assertThat(reuse.status()).as("the old one again").isEqualTo(401);
        assertThat(client.postJson("/api/v1/auth/refresh", "{\"refreshToken\":\"" + newRefresh + "\"}").status())
                .as("the family is revoked, the newest token too").isEqualTo(401);
        assertThat(client.postJson("/api/v1/auth/refresh", "{\"refreshToken\":\"" + "y".repeat(43) + "\"}").status())
                .as("unknown").isEqualTo(401);
    }

    @Test
    void logoutEndsTheSessionFamily() {
        JsonNode session = client.signUp(AuthClient.uniqueEmail("logout"));
        String access = session.get("accessToken").asString();
        assertThat(client.post("/api/v1/auth/logout", null, "", h -> h.set(HttpHeaderNames.AUTHORIZATION,
                "Bearer " + access)).status()).isEqualTo(204);
        assertThat(client.postJson("/api/v1/auth/refresh",
                "{\"refreshToken\":\"" + session.get("refreshToken").asString() + "\"}").status()).isEqualTo(401);
    }

    @Test
    void logoutEverywhereRefusesEveryOlderAccessTokenAtOnce() {
        String email = AuthClient.uniqueEmail("everywhere");
        JsonNode laptop = client.signUp(email);
        JsonNode phone = client.signUp(email);
        String laptopAccess = laptop.get("accessToken").asString();
        assertThat(client.me(laptopAccess).status()).isEqualTo(200);

        assertThat(client.post("/api/v1/auth/logout?all=true", null, "", h -> h.set(HttpHeaderNames.AUTHORIZATION,
                "Bearer " + phone.get("accessToken").asString())).status()).isEqualTo(204);

        assertThat(client.me(laptopAccess).status()).as("the other session's access token").isEqualTo(401);
        assertThat(client.postJson("/api/v1/auth/refresh",
                "{\"refreshToken\":\"" + laptop.get("refreshToken").asString() + "\"}").status()).isEqualTo(401);
        assertThat(client.me(client.signUp(email).get("accessToken").asString()).status())
                .as("a new login works").isEqualTo(200);
    }

    @Test
    void anIdleConsoleWhoseAccessCookieExpiredCanStillLogOutWithItsRefreshCookie() {
        JsonNode session = client.signUp(AuthClient.uniqueEmail("idle"));
        String refreshCookie = "__Host-parley-refresh=" + session.get("refreshToken").asString();
        String csrfToken = client.get("/api/v1/auth/csrf", h -> { }).json().get("token").asString();

        AuthClient.Reply loggedOut = client.post("/api/v1/auth/logout", null, "", h -> h
                .set(HttpHeaderNames.COOKIE, refreshCookie + "; __Host-XSRF-TOKEN=" + csrfToken)
                .set("X-XSRF-TOKEN", csrfToken));
        assertThat(loggedOut.status()).isEqualTo(204);
        assertThat(loggedOut.cookies()).containsEntry("__Host-parley-refresh", "");
        assertThat(client.postJson("/api/v1/auth/refresh",
                "{\"refreshToken\":\"" + session.get("refreshToken").asString() + "\"}").status())
                .as("the refresh token no longer works").isEqualTo(401);
    }
}
