package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers.Browser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;

/**
 * The widget as a visitor sees it in a real browser: clicks and keys go to the real elements inside its
 * shadow root; what is shown is read back from the DOM (never from the widget's internals).
 */
final class WidgetPage {
    /** Generous: a loaded 2-core machine runs the gateway, PostgreSQL, Redis and Chromium at once. */
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOT = "var r = document.querySelector('parley-chat').shadowRoot;";

    /** One bubble of the transcript, as shown. */
    record Bubble(String classes, String author, String text, String note, String seq) {
        boolean is(String role) {
            return List.of(classes.split(" ")).contains(role);
        }

        boolean streaming() {
            return is("streaming");
        }
    }

    private final Browser browser;

    WidgetPage(Browser browser) {
        this.browser = browser;
    }

    Browser browser() {
        return browser;
    }

    /** Loads {@code url} and waits until the widget is connected (welcomed). */
    WidgetPage load(String url) {
        browser.driver().get(url);
        return waitConnected();
    }

    WidgetPage reload() {
        browser.driver().navigate().refresh();
        return waitConnected();
    }

    WidgetPage waitConnected() {
        waitFor("the widget to connect", page -> Boolean.TRUE.equals(script(
                "return !!(window.Parley && window.Parley.state().connected);")));
        return this;
    }

    SearchContext shadowRoot() {
        return browser.driver().findElement(By.tagName("parley-chat")).getShadowRoot();
    }

    WebElement element(String css) {
        return shadowRoot().findElement(By.cssSelector(css));
    }

    WidgetPage clickLauncher() {
        element(".launcher").click();
        return this;
    }

    /** Types {@code text} into the message field and presses Enter. */
    WidgetPage send(String text) {
        element("textarea").sendKeys(text, Keys.ENTER);
        return this;
    }

    boolean panelOpen() {
        return element(".panel").isDisplayed();
    }

    @SuppressWarnings("unchecked")
    List<Bubble> transcript() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) script(ROOT + """
                return Array.from(r.querySelectorAll('.log .msg')).filter(function (m) { return !m.hidden; })
                  .map(function (m) {
                    function t(sel) { var n = m.querySelector(sel); return n ? n.textContent : ''; }
                    return { classes: m.className, author: t('.author'), text: t('.text'), note: t('.note'),
                             seq: m.getAttribute('data-seq') || '' };
                  });""");
        return rows.stream().map(row -> new Bubble((String) row.get("classes"), (String) row.get("author"),
                (String) row.get("text"), (String) row.get("note"), (String) row.get("seq"))).toList();
    }

    /** The transcript without the greeting. */
    List<Bubble> conversation() {
        return transcript().stream().filter(bubble -> !bubble.is("greeting")).toList();
    }

    List<Bubble> waitForTranscript(String what, Predicate<List<Bubble>> done) {
        waitFor(what, page -> done.test(conversation()));
        return conversation();
    }

    String text(String css) {
        return (String) script(ROOT + "var n = r.querySelector(arguments[0]); return n && !n.hidden ? n.textContent : null;",
                css);
    }

    boolean visible(String css) {
        return Boolean.TRUE.equals(script(ROOT + "var n = r.querySelector(arguments[0]);"
                + "return !!n && !n.hidden && n.getClientRects().length > 0;", css));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> state() {
        return (Map<String, Object>) script("return window.Parley.state();");
    }

    String conversationId() {
        return (String) state().get("conversationId");
    }

    /** What the host page recorded: CSP violations, alert() calls, the widget's events. */
    @SuppressWarnings("unchecked")
    Map<String, Object> host() {
        return (Map<String, Object>) script("return window.__host;");
    }

    Object script(String js, Object... arguments) {
        return browser.driver().executeScript(js, arguments);
    }

    void waitFor(String what, Predicate<WidgetPage> condition) {
        browser.waiting(WAIT).pollingEvery(Duration.ofMillis(100))
                .withMessage(() -> what + "; transcript: " + safeTranscript())
                .until(driver -> condition.test(this));
    }

    private Object safeTranscript() {
        try {
            return conversation();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Neither the host page nor the browser saw a Content-Security-Policy violation. */
    void assertNoCspViolation() {
        assertThat((List<?>) host().get("violations")).as("securitypolicyviolation events").isEmpty();
        assertThat(browser.consoleMessages()).as("browser console")
                .noneMatch(line -> line.contains("Content Security Policy") || line.contains("Refused to")
                        || line.contains("TrustedHTML") || line.contains("Trusted Type"));
    }
}
