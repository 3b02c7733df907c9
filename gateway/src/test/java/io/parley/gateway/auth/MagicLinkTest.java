package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MagicLinkTest extends GatewayIntegrationTest {
    private static final Pattern HIDDEN = Pattern.compile("name=\"(token|_csrf)\" value=\"([^\"]*)\"");
    private AuthClient client;

    @BeforeEach
    void client() {
        client = new AuthClient(https());
    }

    @Test
    void knownAndUnknownAddressesGetByteIdenticalAnswers() {
        String known = AuthClient.uniqueEmail("known");
        client.signUp(known);

        AuthClient.Reply toKnown = client.requestLink(known);
        AuthClient.Reply toUnknown = client.requestLink(AuthClient.uniqueEmail("nobody"));

        assertThat(toKnown.status()).isEqualTo(202);
        assertThat(toUnknown.status()).isEqualTo(202);
        assertThat(toKnown.body()).isEqualTo("{\"status\":\"sent\"}").isEqualTo(toUnknown.body());
        assertThat(toKnown.header("Content-Type")).isEqualTo(toUnknown.header("Content-Type"));
        assertThat(toKnown.header("Content-Length")).isEqualTo(toUnknown.header("Content-Length"));
    }

    @Test
    void theMailedLinkUsesTheConfiguredBaseUrlEvenWithAnEvilHostHeader() {
        String email = AuthClient.uniqueEmail("host");
        AuthClient.Reply reply = client.post("/api/v1/auth/magic-links", "application/json",
                "{\"email\":\"" + email + "\"}", h -> h.set(HttpHeaderNames.HOST, "evil.example")
                        .set("X-Forwarded-Host", "evil.example"));
        assertThat(reply.status()).isEqualTo(202);

        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> !AuthClient.mailText(email).isEmpty());
        String mail = AuthClient.mailText(email);
        assertThat(mail).contains(AuthClient.BASE_URL + "/login/magic?token=").doesNotContain("evil.example");
        assertThat(AuthClient.linksTo(email)).hasSize(1);
    }

    @Test
    void aMalformedAddressIsRefused() {
        assertThat(client.requestLink("not-an-address").status()).isEqualTo(400);
        assertThat(client.postJson("/api/v1/auth/magic-links",
                "{\"email\":\"a@b.example\\r\\nBcc: victim@else.example\"}").status()).isEqualTo(400);
    }

    @Test
    void getAndHeadOfTheLinkConsumeNothingAndOnlyTheFirstPostRedeems() {
        String token = client.tokenFor(AuthClient.uniqueEmail("prefetch"));

        AuthClient.Reply page = client.get("/login/magic?token=" + token, h -> { });
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/api/v1/auth/magic-links/redeem\"");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("Content-Security-Policy")).contains("form-action 'self'").contains("default-src 'none'");
        assertThat(client.head("/login/magic?token=" + token).status()).isEqualTo(200);
        assertThat(client.get("/login/magic?token=" + token, h -> { }).status()).as("still valid after GET + HEAD")
                .isEqualTo(200);

        AuthClient.Reply first = client.redeemJson(token);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("accessToken").asString()).isNotBlank();
        assertThat(first.json().get("refreshToken").asString()).isNotBlank();
        assertThat(first.json().get("expiresIn").asLong()).isEqualTo(900);
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");

        AuthClient.Reply second = client.redeemJson(token);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.json().get("error").asString()).isEqualTo("invalid_link");
        assertThat(client.get("/login/magic?token=" + token, h -> { }).status()).as("used link's page").isEqualTo(410);
    }

    @Test
    void anExpiredLinkFails() {
        String token = client.tokenFor(AuthClient.uniqueEmail("expired"));
        TestBots.execute("UPDATE magic_links SET expires_at = now() - interval '1 second' WHERE token_hash = decode('"
                + AuthClient.sha256Hex(token) + "', 'hex')");

        assertThat(client.get("/login/magic?token=" + token, h -> { }).status()).isEqualTo(410);
        assertThat(client.redeemJson(token).status()).isEqualTo(400);
    }

    @Test
    void tamperedUnknownAndMalformedTokensFail() {
        String token = client.tokenFor(AuthClient.uniqueEmail("tampered"));
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(client.redeemJson(tampered).status()).isEqualTo(400);
        assertThat(client.redeemJson("x".repeat(43)).status()).as("unknown").isEqualTo(400);
        assertThat(client.redeemJson("short").status()).as("malformed").isEqualTo(400);
        assertThat(client.postJson("/api/v1/auth/magic-links/redeem", "{}").status()).isEqualTo(400);
        assertThat(client.get("/login/magic?token=%3Cscript%3E", h -> { }).body()).doesNotContain("<script>");
        assertThat(client.redeemJson(token).status()).as("the real token is still good").isEqualTo(200);
    }

    @Test
    void theConfirmFormLogsABrowserInWithHostCookies() {
        String email = AuthClient.uniqueEmail("browser");
        String token = client.tokenFor(email);
        AuthClient.Reply page = client.get("/login/magic?token=" + token, h -> { });
        Map<String, String> fields = hiddenFields(page.body());
        String csrfCookie = page.cookies().get("__Host-XSRF-TOKEN");
        assertThat(csrfCookie).isNotBlank().isEqualTo(fields.get("_csrf"));
        assertThat(fields.get("token")).isEqualTo(token);

        AuthClient.Reply withoutCsrf = client.post("/api/v1/auth/magic-links/redeem",
                "application/x-www-form-urlencoded", AuthClient.form(Map.of("token", token)), h -> { });
        assertThat(withoutCsrf.status()).as("form post without the CSRF token").isEqualTo(403);

        AuthClient.Reply redeemed = client.post("/api/v1/auth/magic-links/redeem", "application/x-www-form-urlencoded",
                AuthClient.form(fields), h -> h.set(HttpHeaderNames.COOKIE, "__Host-XSRF-TOKEN=" + csrfCookie));
        assertThat(redeemed.status()).isEqualTo(303);
        assertThat(redeemed.header("Location")).isEqualTo(AuthClient.BASE_URL + "/");
        assertThat(redeemed.setCookies()).hasSize(2).allSatisfy(cookie -> assertThat(cookie)
                .startsWith("__Host-parley-").contains("; Path=/;").containsIgnoringCase("; Secure")
                .containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Strict")
                .doesNotContainIgnoringCase("Domain="));

        String access = redeemed.cookies().get("__Host-parley-access");
        AuthClient.Reply me = client.get("/api/v1/me", h -> h.set(HttpHeaderNames.COOKIE, "__Host-parley-access=" + access));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asString()).isEqualTo(email);
    }

    @Test
    void openSignUpCreatesAWorkspaceOwnedByTheNewOperator() {
        String email = AuthClient.uniqueEmail("Signup").toUpperCase(java.util.Locale.ROOT);
        String normalised = email.toLowerCase(java.util.Locale.ROOT);
        JsonNode session = client.signUp(email);

        JsonNode me = client.me(session.get("accessToken").asString()).json();
        assertThat(me.get("operatorId").asString()).startsWith("o_");
        assertThat(me.get("email").asString()).isEqualTo(normalised);
        assertThat(me.get("memberships")).hasSize(1);
        assertThat(me.get("memberships").get(0).get("role").asString()).isEqualTo("owner");
        assertThat(me.get("memberships").get(0).get("workspaceName").asString()).isEqualTo(normalised + "'s workspace");

        JsonNode again = client.me(client.signUp(normalised).get("accessToken").asString()).json();
        assertThat(again.get("operatorId").asString()).as("the same operator").isEqualTo(me.get("operatorId").asString());
        assertThat(again.get("memberships")).as("no second workspace on the second login").hasSize(1);
    }

    private static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        Matcher matcher = HIDDEN.matcher(html);
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2));
        }
        return fields;
    }
}
