package io.parley.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** How the gateway serves the console over HTTPS: headers, caching, names, and the console's login helpers. */
class ConsolePageTest extends GatewayIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCRIPT = Pattern.compile("src=\"(/console/console\\.js\\?v=([0-9a-f]{16}))\"");

    @Autowired
    ApplicationContext context;

    private record Reply(int status, HttpHeaders headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private Reply get(String path) {
        return get(path, h -> { });
    }

    private Reply get(String path, Consumer<HttpHeaders> headers) {
        return https().headers(headers).get().uri(path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }

    @Test
    void thePageSendsAStrictPolicyOfItsOwnAndTheSafeDefaults() {
        for (String path : new String[] {"/console", "/console/"}) {
            Reply page = get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
            String policy = page.header("Content-Security-Policy");
            assertThat(policy).isEqualTo("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self' wss://console.parley.test; form-action 'self'; frame-ancestors 'none'; "
                    + "base-uri 'none'; object-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'");
            assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(page.header("ETag")).startsWith("\"");
            assertThat(page.body()).doesNotContain("<script>", "style=", "onclick", "{{version}}")
                    .contains("<script type=\"module\" src=\"/console/console.js?v=");
        }
    }

    @Test
    void anUnchangedPageOrFileIsNotSentAgain() {
        Reply page = get("/console");
        Reply again = get("/console", h -> h.set(HttpHeaderNames.IF_NONE_MATCH, page.header("ETag")));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        Reply file = get("/console/session.js");
        assertThat(get("/console/session.js", h -> h.set(HttpHeaderNames.IF_NONE_MATCH, file.header("ETag"))).status())
                .isEqualTo(304);
    }

    @Test
    void filesOfThePagesVersionAreImmutableOthersAreRevalidated() {
        Matcher script = SCRIPT.matcher(get("/console").body());
        assertThat(script.find()).isTrue();

        Reply versioned = get(script.group(1));
        assertThat(versioned.status()).isEqualTo(200);
        assertThat(versioned.header("Content-Type")).isEqualTo("text/javascript;charset=UTF-8");
        assertThat(versioned.header("Cache-Control")).isEqualTo("max-age=31536000, public, immutable");
        assertThat(versioned.header("X-Content-Type-Options")).isEqualTo("nosniff");

        Reply imported = get("/console/agent-link.js");
        assertThat(imported.status()).isEqualTo(200);
        assertThat(imported.header("Cache-Control")).as("a module imported without ?v=").isEqualTo("no-cache");
        assertThat(get("/console/console.js?v=0000000000000000").header("Cache-Control"))
                .as("another release's version").isEqualTo("no-cache");

        assertThat(get("/console/console.css").header("Content-Type")).isEqualTo("text/css;charset=UTF-8");
        assertThat(get("/console/icon.svg").header("Content-Type")).isEqualTo("image/svg+xml");
    }

    @Test
    void onlyTheConsolesOwnFilesAreServed() {
        for (String path : new String[] {"/console/nope.js", "/console/index.html", "/console/..%2Fapplication.yml",
                "/console/.hidden.js", "/console/console.js.map", "/console/Console.js"}) {
            Reply reply = get(path);
            // the encoded slash may already be refused by the firewall (400)
            assertThat(reply.status()).as(path).isIn(400, 404);
            assertThat(reply.body()).as(path).doesNotContain("<html", "parley:");
        }
    }

    @Test
    void theBaseUrlWhereALoginEndsLeadsToTheConsole() {
        Reply root = get("/");
        assertThat(root.status()).isEqualTo(303);
        assertThat(root.header("Location")).isEqualTo("/console");
    }

    @Test
    void theLoginMethodsListMagicLinksAndNoUnconfiguredProvider() {
        Reply methods = get("/api/v1/auth/methods");
        assertThat(methods.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(methods.body());
        assertThat(body.get("magicLink").asBoolean()).isTrue();
        assertThat(body.get("oidc")).isEmpty();
    }

    @Test
    void aCookieRefreshGivesTheConsoleAnAccessTokenForItsSocketButNeverTheRefreshToken() {
        ApiClient.Session owner = new ApiClient(https(), context).newOwner("console-refresh");
        Reply csrf = get("/api/v1/auth/csrf");
        String csrfToken = JSON.readTree(csrf.body()).get("token").asString();
        String refreshToken = context.getBean(io.parley.gateway.auth.session.RefreshSessions.class)
                .start(context.getBean(io.parley.core.port.Operators.class)
                        .find(new io.parley.core.model.OperatorId(owner.operatorId())).block(TIMEOUT))
                .block(TIMEOUT).refreshToken();

        Reply refreshed = https().headers(h -> h.set(HttpHeaderNames.COOKIE,
                        "__Host-parley-refresh=" + refreshToken + "; __Host-XSRF-TOKEN=" + csrfToken)
                        .set("X-XSRF-TOKEN", csrfToken))
                .post().uri("/api/v1/auth/refresh")
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);

        assertThat(refreshed.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(refreshed.body());
        assertThat(body.get("tokenType").asString()).isEqualTo("Bearer");
        assertThat(body.get("expiresIn").asLong()).isEqualTo(900);
        assertThat(body.has("refreshToken")).isFalse();
        String newRefresh = refreshed.headers().getAll(HttpHeaderNames.SET_COOKIE).stream()
                .filter(cookie -> cookie.startsWith("__Host-parley-refresh=")).findFirst().orElseThrow()
                .split(";", 2)[0].substring("__Host-parley-refresh=".length());
        assertThat(refreshed.body()).doesNotContain(newRefresh, refreshToken);
        ApiClient.Reply me = new ApiClient(https(), context).get(body.get("accessToken").asString(), "/api/v1/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("operatorId").asString()).isEqualTo(owner.operatorId());
    }
}
