package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.parley.gateway.testing.AdminData;
import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.Browsers.Browser;
import io.parley.gateway.testing.TestBots;
import io.parley.persistence.postgres.SealedValues;
import io.parley.gateway.widget.WidgetPage.Bubble;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code Parley.identify} in the browser, with identity tokens signed as a site's server would (HS256 with
 * the bot's identity secret), on a bot that takes signed-in visitors only.
 */
class WidgetIdentityTest extends WidgetBrowserTest {

    @Test
    void aSignedInUserIsOneVisitorOnEveryDeviceAndSigningOutForgetsThem() {
        String key = TestBots.browserOnlyKey(site.origin());
        byte[] secret = verifiedOnlyBotWithSecret(key);
        String user = "user-" + UUID.randomUUID();
        try (Browser laptop = Browsers.open(CERTIFICATE.x509()); Browser phone = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage first = new WidgetPage(laptop);
            laptop.driver().get(site.url(key));
            first.waitFor("the widget asking for a signed-in user", page -> events(page, "identityrequired").size() == 1);
            assertThat(events(first, "identityrequired").get(0).get("reason")).isEqualTo("this chat needs a signed-in user");

            first.script("Parley.identify({token: arguments[0]});", token(secret, user, Duration.ofHours(1)));
            first.waitConnected().clickLauncher().send("Where is my order?");
            first.waitForTranscript("the answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            String conversationId = first.conversationId();

            WidgetPage second = new WidgetPage(phone);
            phone.driver().get(site.url(key));
            second.waitFor("the widget asking for a signed-in user", page -> !events(page, "identityrequired").isEmpty());
            second.script("Parley.identify({token: arguments[0]});", token(secret, user, Duration.ofHours(1)));
            List<Bubble> onThePhone = second.waitConnected().waitForTranscript("the conversation from the laptop",
                    c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(second.conversationId()).isEqualTo(conversationId);
            assertThat(second.state().get("visitorId")).isEqualTo(first.state().get("visitorId"));
            assertThat(onThePhone.get(0).text()).isEqualTo("Where is my order?");

            first.script("Parley.identify(null);");
            first.waitFor("the signed-out visitor forgotten", page -> page.conversation().isEmpty()
                    && events(page, "identityrequired").size() == 2);
            assertThat(first.state().get("visitorId")).isNull();
            assertThat(first.script("return localStorage.getItem(arguments[0]);", "parley.v1." + key))
                    .asString().doesNotContain("v1.").contains("\"visitorToken\":null");
        }
    }

    @Test
    void anExpiredIdentityTokenIsRenewedThroughTheRefreshFunction() {
        String key = TestBots.browserOnlyKey(site.origin());
        byte[] secret = verifiedOnlyBotWithSecret(key);
        String user = "user-" + UUID.randomUUID();
        try (Browser browser = Browsers.open(CERTIFICATE.x509())) {
            WidgetPage widget = new WidgetPage(browser);
            browser.driver().get(site.url(key));
            widget.waitFor("the API", page -> Boolean.TRUE.equals(page.script("return !!window.Parley;")));

            widget.script("var fresh = arguments[1]; window.__refreshed = 0;"
                    + "Parley.identify({token: arguments[0], refresh: function () {"
                    + "  window.__refreshed++; return Promise.resolve(fresh); }});",
                    token(secret, user, Duration.ofSeconds(-120)), token(secret, user, Duration.ofHours(1)));

            widget.waitConnected();
            assertThat(widget.script("return window.__refreshed;")).isEqualTo(1L);
            assertThat(events(widget, "identityrequired")).extracting(detail -> detail.get("reason"))
                    .contains("identity token invalid or expired");
            widget.clickLauncher().send("Hello");
            widget.waitForTranscript("the answer", c -> c.size() == 2 && !c.get(1).seq().isEmpty());
            assertThat(AdminData.count("SELECT count(*) FROM visitors WHERE id = ? AND external_id_index = ?",
                    widget.state().get("visitorId"), SealedValues.shared().visitorExternalIdIndex("w_demo", user)))
                    .isEqualTo(1);
        }
    }

    /** Makes the key's bot take signed-in visitors only, with a new identity secret (returned). */
    private static byte[] verifiedOnlyBotWithSecret(String key) {
        String bot = "b_t" + key.substring("pk_t".length());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String id = "is_" + UUID.randomUUID().toString().replace("-", "");
        AdminData.execute("INSERT INTO bot_identity_secrets (id, bot_id, slot, secret, created_at) VALUES (?, ?, 1, ?, now())",
                id, bot, SealedValues.shared().sealBytes("bot_identity_secrets", "secret", secret, id));
        AdminData.execute("UPDATE bots SET verified_visitors_only = true WHERE id = ?", bot);
        return secret;
    }

    /** An identity token as the site's server signs it; a negative lifetime makes an expired one. */
    private static String token(byte[] secret, String user, Duration lifetime) {
        try {
            Instant now = Instant.now();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(user)
                    .claim("name", "Jane Doe")
                    .issueTime(Date.from(lifetime.isNegative() ? now.plus(lifetime).minusSeconds(60) : now))
                    .expirationTime(Date.from(now.plus(lifetime)))
                    .build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(WidgetPage widget, String name) {
        Map<String, Object> host = widget.host();
        if (host == null) {
            return List.of();
        }
        return ((List<Map<String, Object>>) host.get("events")).stream()
                .filter(event -> name.equals(event.get("name")))
                .map(event -> (Map<String, Object>) event.get("detail"))
                .toList();
    }
}
