package io.parley.gateway.console;

import static org.awaitility.Awaitility.await;

import io.parley.gateway.auth.AuthClient;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser, as a user works it: by the page's own fields and buttons. The browser
 * loads it from its configured origin ({@link #ORIGIN}, mapped to the gateway under test), so cookies,
 * {@code Origin} and the login redirects are those of production.
 */
public final class ConsolePage {
    public static final String HOST = URI.create(AuthClient.BASE_URL).getHost();
    public static final String ORIGIN = AuthClient.BASE_URL;
    /** Generous: a loaded two-core machine runs the gateway, Chromium and other builds at once. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Browser browser;
    private final List<String> consoleLog = new ArrayList<>();

    /** A desktop-sized browser that loads the console from its public origin, served by the gateway on {@code httpsPort}. */
    public static Browser desktopBrowser(X509Certificate gatewayCertificate, int httpsPort) {
        return Browsers.openAt(gatewayCertificate, HOST, httpsPort, 1280, 900);
    }

    public ConsolePage(Browser browser) {
        this.browser = browser;
    }

    public Browser browser() {
        return browser;
    }

    public WebDriverWait waiting() {
        WebDriverWait wait = browser.waiting(WAIT);
        wait.pollingEvery(Duration.ofMillis(100));
        // the page redraws as events arrive: an element found a moment ago may be gone, look again
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    public ConsolePage open() {
        browser.driver().get(ORIGIN + "/console");
        return this;
    }

    public WebElement byId(String id) {
        return browser.driver().findElement(By.id(id));
    }

    public WebElement visible(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public void loginForm() {
        visible(By.id("email"));
    }

    /** Asks for a link on the login page, then opens the link that arrives by e-mail and presses its button. */
    public void logInByMagicLink(String email) {
        loginForm();
        int before = AuthClient.linksTo(email).size();
        WebElement field = byId("email");
        field.clear();
        field.sendKeys(email);
        browser.driver().findElement(By.cssSelector("#magic-form button[type=submit]")).click();
        waiting().until(driver -> byId("magic-status").getText().contains("a login link is on its way"));
        String token = await().atMost(WAIT).until(() -> AuthClient.linksTo(email), links -> links.size() > before)
                .get(before);
        browser.driver().get(ORIGIN + "/login/magic?token=" + token);
        visible(By.cssSelector("form button[type=submit]")).click();
    }

    /** Waits until the desk of {@code workspaceName} is up and its socket welcomed. */
    public void desk(String workspaceName) {
        waiting().until(driver -> byId("workspace-name").isDisplayed()
                && byId("workspace-name").getText().equals(workspaceName));
    }

    public By inboxItem(String conversationId) {
        return By.cssSelector("#inbox-list button[data-conversation-id='" + conversationId + "']");
    }

    public WebElement waitForInboxItem(String conversationId, String containing) {
        return waiting().until(driver -> {
            List<WebElement> items = driver.findElements(inboxItem(conversationId));
            return !items.isEmpty() && items.get(0).getText().contains(containing) ? items.get(0) : null;
        });
    }

    /** The text of every entry of the open conversation's log, in order. */
    public List<String> logTexts() {
        return browser.driver().findElements(By.cssSelector("#log > li")).stream().map(WebElement::getText).toList();
    }

    /** Waits for an entry of the log whose message text is exactly {@code text}. */
    public WebElement waitForMessage(String text) {
        return waiting().until(driver -> driver.findElements(By.cssSelector("#log > li.message")).stream()
                .filter(item -> item.findElement(By.cssSelector(".text")).getText().equals(text))
                .findFirst().orElse(null));
    }

    public WebElement waitForEvent(String text) {
        return waiting().until(driver -> driver.findElements(By.cssSelector("#log > li.event")).stream()
                .filter(item -> item.getText().equals(text)).findFirst().orElse(null));
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script, arguments);
    }

    /** Everything the page logged so far (console messages, CSP and Trusted Types violations). */
    public List<String> consoleLog() {
        consoleLog.addAll(browser.consoleMessages());
        return List.copyOf(consoleLog);
    }

    /** The entries of the page's log that report a Content-Security-Policy or Trusted Types violation. */
    public List<String> policyViolations() {
        return consoleLog().stream()
                .filter(line -> line.contains("Content Security Policy") || line.contains("Trusted Type")
                        || line.contains("TrustedHTML") || line.contains("TrustedScript"))
                .toList();
    }
}
