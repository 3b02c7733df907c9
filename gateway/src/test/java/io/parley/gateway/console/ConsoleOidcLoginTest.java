package io.parley.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OIDC login from the console in a real browser, against a real OIDC provider (mock-oauth2-server on
 * loopback) configured as Google and Microsoft: the console offers exactly those, and the Google button
 * goes through the provider and back to the desk.
 */
class ConsoleOidcLoginTest extends GatewayIntegrationTest {
    private static final MockOAuth2Server PROVIDER = new MockOAuth2Server(new OAuth2Config());

    static {
        PROVIDER.start(InetAddress.getLoopbackAddress(), 0);
    }

    @DynamicPropertySource
    static void oidcProviders(DynamicPropertyRegistry registry) {
        for (String id : List.of("google", "microsoft")) {
            registry.add("spring.security.oauth2.client.registration." + id + ".client-id", () -> "parley-" + id);
            registry.add("spring.security.oauth2.client.registration." + id + ".client-secret", () -> "secret-" + id);
            registry.add("spring.security.oauth2.client.provider." + id + ".issuer-uri",
                    () -> PROVIDER.issuerUrl(id).toString());
        }
        // application.yml names Microsoft's real endpoints; here they are the mock's
        registry.add("spring.security.oauth2.client.provider.microsoft.authorization-uri",
                () -> PROVIDER.authorizationEndpointUrl("microsoft").toString());
        registry.add("spring.security.oauth2.client.provider.microsoft.token-uri",
                () -> PROVIDER.tokenEndpointUrl("microsoft").toString());
        registry.add("spring.security.oauth2.client.provider.microsoft.jwk-set-uri",
                () -> PROVIDER.jwksUrl("microsoft").toString());
    }

    @BeforeAll
    static void browserInstalled() {
        Browsers.requireInstalled();
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.shutdown();
    }

    @Test
    void theConsoleOffersTheConfiguredProvidersAndAGoogleLoginEndsOnTheDesk() {
        String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        PROVIDER.enqueueCallback(new DefaultOAuth2TokenCallback("google", "google-" + UUID.randomUUID(), "JWT",
                List.of("parley"), Map.of("email", email, "email_verified", true, "name", "Ada Google"), 3600));
        try (Browser browser = ConsolePage.desktopBrowser(CERTIFICATE.x509(), httpsPort)) {
            ConsolePage console = new ConsolePage(browser).open();
            console.loginForm();
            List<WebElement> providers = console.waiting().until(driver -> {
                List<WebElement> links = driver.findElements(By.cssSelector("#oidc a"));
                return links.size() == 2 ? links : null;
            });
            assertThat(providers).extracting(WebElement::getText)
                    .containsExactly("Log in with Google", "Log in with Microsoft");

            providers.get(0).click();
            console.desk(email + "'s workspace");
            assertThat(browser.driver().getCurrentUrl()).isEqualTo(ConsolePage.ORIGIN + "/console");
            assertThat(console.byId("role").getDomProperty("textContent")).isEqualTo("owner");
            assertThat(console.byId("presence").getText()).isEqualTo("Online: Ada Google");
            assertThat(console.policyViolations()).as("CSP or Trusted Types violations").isEmpty();
        }
    }
}
