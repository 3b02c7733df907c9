package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.widget.WidgetPage.Bubble;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import reactor.netty.http.client.HttpClientResponse;

/**
 * {@code /demo} where it is switched on (the dev profile; here by property, with a key of the test's own
 * for the demo bot, since the real {@code pk_demo} allows only https://localhost:8443).
 */
class DemoPageTest extends WidgetBrowserTest {

    @Test
    void theDemoPageHasAStrictPolicyOfItsOwnAndEmbedsTheDemoKey() {
        var fetched = https().get().uri("/demo")
                .responseSingle((response, body) -> body.asString().map(html -> Map.entry(response, html)))
                .block(TIMEOUT);
        HttpClientResponse response = fetched.getKey();
        String html = fetched.getValue();

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.responseHeaders().get("Content-Type")).isEqualTo("text/html;charset=UTF-8");
        assertThat(response.responseHeaders().get("Content-Security-Policy")).isEqualTo(
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
                        + "require-trusted-types-for 'script'; trusted-types 'none'");
        assertThat(response.responseHeaders().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.responseHeaders().get("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.responseHeaders().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.responseHeaders().get("Cache-Control")).isEqualTo("no-store");
        assertThat(html).contains("<script src=\"/widget.js\" data-key=\"" + DEMO_KEY + "\" async></script>")
                .doesNotContain("style=").doesNotContain("<style").doesNotContain("onclick");
    }

    @Test
    void theWidgetWorksOnTheDemoPageUnderItsPolicyAndTheApiDrivesIt() {
        demoBotFor("https://localhost:" + httpsPort);
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            // records violations from the first script on (DevTools injects it; the page's CSP does not apply)
            browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", HostPage.HOST_SCRIPT));
            WidgetPage widget = new WidgetPage(browser).load("https://localhost:" + httpsPort + "/demo");
            assertThat(browser.driver().findElement(By.id("embed")).getText())
                    .isEqualTo("<script src=\"https://localhost:" + httpsPort + "/widget.js\" data-key=\""
                            + DEMO_KEY + "\" async></script>");

            browser.driver().findElement(By.id("open")).click();
            widget.waitFor("Parley.open() from the page's button", WidgetPage::panelOpen);
            widget.send("How do I embed the chat widget on my website?");
            List<Bubble> shown = widget.waitForTranscript("the demo bot's answer",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(shown.get(1).text()).startsWith("To embed the chat widget, add one script tag");
            widget.waitFor("the page's event list", page -> browser.driver().findElement(By.id("events")).getText()
                    .contains("message {\"seq\":2"));

            browser.driver().findElement(By.id("close")).click();
            widget.waitFor("Parley.close() from the page's button", page -> !page.panelOpen());
            widget.assertNoCspViolation();
            browser.screenshot("widget-demo");
        }
    }

    /** The demo page's bot (key {@link #DEMO_KEY}), allowing this run's gateway origin; made once, updated after. */
    private static void demoBotFor(String origin) {
        TestBots.execute("""
                INSERT INTO bots (id, workspace_id, name, greeting, responder, allowed_origins, allow_native_clients)
                VALUES ('b_twidget_demo', 'w_demo', 'Parley Demo', 'Hi! Ask me about Parley.', 'knowledge_base',
                        ARRAY['%1$s'], false)
                ON CONFLICT (id) DO UPDATE SET allowed_origins = EXCLUDED.allowed_origins;
                INSERT INTO widget_keys (key, bot_id) VALUES ('%2$s', 'b_twidget_demo') ON CONFLICT (key) DO NOTHING;
                INSERT INTO knowledge_entries (id, bot_id, title, body)
                SELECT id || '_twdemo', 'b_twidget_demo', title, body FROM knowledge_entries
                WHERE bot_id = 'b_parley_demo'
                ON CONFLICT (id) DO NOTHING""".formatted(origin, DEMO_KEY));
    }
}
