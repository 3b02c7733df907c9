package io.parley.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Real headless browsers for the widget and console tests: Debian's {@code /usr/bin/chromium} driven
 * through {@code /usr/bin/chromedriver} (both installed by {@code scripts/ensure-test-tools}); Selenium
 * never downloads a browser or driver here. Each {@link #open} is a separate browser with its own empty
 * profile, so two of them are two visitors or a visitor and an agent.
 *
 * <p>TLS stays real: the browser trusts exactly the test server's key (by its SPKI hash), nothing else.
 *
 * <pre>{@code
 * try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
 *     browser.driver().get("https://localhost:" + httpsPort + "/demo");
 *     browser.screenshot("widget-open");
 * }
 * }</pre>
 */
public final class Browsers {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where {@link Browser#screenshot} writes: a build artifact of the gateway module. */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Browsers() {
    }

    /** A desktop-sized browser (1280×900). */
    public static Browser open(X509Certificate trusted) {
        return open(trusted, 1280, 900);
    }

    /** A browser whose window is {@code width}×{@code height} CSS pixels, e.g. 390×844 for a phone. */
    public static Browser open(X509Certificate trusted, int width, int height) {
        return open(trusted, width, height, List.of());
    }

    /**
     * A browser that reaches {@code https://<host>} (port 443) at the gateway listening on {@code port} on
     * loopback: so a page is loaded from its configured public origin (such as the console at
     * {@code parley.auth.base-url}), with that origin's cookies and {@code Origin} header, while the
     * connection goes to the server under test.
     */
    public static Browser openAt(X509Certificate trusted, String host, int port, int width, int height) {
        return open(trusted, width, height, List.of("--host-resolver-rules=MAP " + host + " 127.0.0.1:" + port));
    }

    private static Browser open(X509Certificate trusted, int width, int height, List<String> extraArguments) {
        Path profile = temporaryProfile();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + spkiHash(trusted));
        options.addArguments(extraArguments);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    /** Whether the browser this class drives is installed. */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Fails a browser test at once, saying what to run, when the browser is not installed. */
    public static void requireInstalled() {
        if (!installed()) {
            throw new AssertionError("Chromium and ChromeDriver are not installed (run scripts/ensure-test-tools)");
        }
    }

    /** One running browser; {@link #close} quits it and deletes its profile. */
    public record Browser(ChromeDriver driver, Path profile) implements AutoCloseable {

        /** Waits up to {@code timeout} (polling, no sleep) for a condition on the driver. */
        public WebDriverWait waiting(Duration timeout) {
            return new WebDriverWait(driver, timeout);
        }

        /** Saves a PNG of the viewport as {@code target/screenshots/<name>.png} and returns its path. */
        public Path screenshot(String name) {
            try {
                Files.createDirectories(SCREENSHOTS);
                Path file = SCREENSHOTS.resolve(name + ".png");
                Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
                Files.move(taken, file, StandardCopyOption.REPLACE_EXISTING);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The page's console messages and errors so far (including CSP violations), drained. */
        public List<String> consoleMessages() {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::getMessage)
                    .toList();
        }

        /**
         * Emulates a device viewport of {@code width}×{@code height} CSS pixels (DevTools), for sizes below
         * the smallest window headless Chromium opens (about 500 px wide), e.g. 390×844 for a phone.
         */
        public void viewport(int width, int height, boolean mobile) {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                    "width", width,
                    "height", height,
                    "deviceScaleFactor", 1,
                    "mobile", mobile));
        }

        /** Cuts or restores the browser's network (DevTools), e.g. to drop the widget's socket. */
        public void offline(boolean offline) {
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
                    "offline", offline,
                    "latency", 0,
                    "downloadThroughput", -1,
                    "uploadThroughput", -1));
        }

        @Override
        public void close() {
            try {
                driver.quit();
            } finally {
                deleteQuietly(profile);
            }
        }
    }

    private static String spkiHash(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryProfile() {
        try {
            return Files.createTempDirectory("parley-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temp profile is harmless
        }
    }
}
