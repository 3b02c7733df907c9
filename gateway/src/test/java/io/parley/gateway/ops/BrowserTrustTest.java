package io.parley.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The browser the widget and console tests drive reaches the gateway over real TLS, trusting only its key. */
class BrowserTrustTest extends GatewayIntegrationTest {

    @Test
    void headlessChromiumLoadsAPageOverTheGatewaysTls() {
        Browsers.requireInstalled();
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            browser.driver().get("https://localhost:" + httpsPort + "/.well-known/security.txt");

            assertThat(browser.driver().findElement(By.tagName("body")).getText()).contains("Contact:");
        }
    }
}
