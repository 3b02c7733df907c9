package io.parley.gateway.auth.oidc;

import io.parley.persistence.postgres.SealedValues;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.auth.session.SessionCookies;
import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestAddresses;
import io.parley.gateway.testing.TestClients;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import io.parley.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * OIDC login against a real OIDC provider (mock-oauth2-server on loopback, issuers {@code google} and
 * {@code microsoft}), driven as a browser would: redirect to the provider, back to the callback with
 * code and state, then the console with the session cookies. Each test is its own client address, so
 * the failure throttle (3 failures) of one never touches another.
 */
@TestPropertySource(properties = {
        "parley.auth.throttle.oidc-callback-failures.permits=3",
        "parley.auth.throttle.oidc-callback-failures.lockout=5m"})
@Import(ExtraNodes.OwnEventLoops.class)
class OidcLoginTest extends GatewayIntegrationTest {
    /** When set, the next token request to the {@code google} issuer is answered with this JSON instead. */
    private static final AtomicReference<String> CANNED_TOKEN_RESPONSE = new AtomicReference<>();
    private static final MockOAuth2Server PROVIDER = startProvider();
    private static final String CONSOLE = "https://console.parley.test/";

    @DynamicPropertySource
    static void oidcProviders(DynamicPropertyRegistry registry) {
        oidcProperties().forEach((name, value) -> registry.add(name, () -> value));
    }

    private static Map<String, String> oidcProperties() {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        for (String id : List.of("google", "microsoft")) {
            String registration = "spring.security.oauth2.client.registration." + id;
            String provider = "spring.security.oauth2.client.provider." + id;
            properties.put(registration + ".client-id", "parley-" + id);
            properties.put(registration + ".client-secret", "test-secret-" + id);
            properties.put(provider + ".issuer-uri", PROVIDER.issuerUrl(id).toString());
        }
        // application.yml names Microsoft's real endpoints; here they are the mock's
        properties.put("spring.security.oauth2.client.provider.microsoft.authorization-uri",
                PROVIDER.authorizationEndpointUrl("microsoft").toString());
        properties.put("spring.security.oauth2.client.provider.microsoft.token-uri",
                PROVIDER.tokenEndpointUrl("microsoft").toString());
        properties.put("spring.security.oauth2.client.provider.microsoft.jwk-set-uri",
                PROVIDER.jwksUrl("microsoft").toString());
        return properties;
    }

    @Test
    void theProvidersAnswerMayLandOnAnotherNodeOfTheSameBrowser() {
        ConfigurableApplicationContext otherNode = ExtraNodes.start(oidcProperties());
        try {
            OidcBrowser onFirst = browser();
            String callback = authorize(onFirst, startLogin(onFirst, "google"));
            OidcBrowser onSecond = new OidcBrowser(TestClients.https(CERTIFICATE, ExtraNodes.httpsPort(otherNode)),
                    TestAddresses.unique());
            onSecond.cookies().putAll(onFirst.cookies());
            PROVIDER.enqueueCallback(google(unique("google-sub"), unique("node") + "@example.test"));
            loggedIn(onSecond, onSecond.gateway(callback));
        } finally {
            otherNode.close();
        }
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.shutdown();
    }

    private static MockOAuth2Server startProvider() {
        Route canned = new Route() {
            @Override
            public boolean match(OAuth2HttpRequest request) {
                return "POST".equals(request.getMethod()) && request.getUrl().encodedPath().equals("/google/token")
                        && CANNED_TOKEN_RESPONSE.get() != null;
            }

            @Override
            public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
                return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200,
                        CANNED_TOKEN_RESPONSE.getAndSet(null), null);
            }
        };
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(), canned);
        try {
            server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        } catch (RuntimeException e) {
            throw new IllegalStateException("mock OIDC provider did not start", e);
        }
        return server;
    }

    // ---- the flow

    private OidcBrowser browser() {
        return new OidcBrowser(https(), TestAddresses.unique());
    }

    /** Starts a login: the gateway's redirect to the provider's authorize endpoint. */
    private static String startLogin(OidcBrowser browser, String registration) {
        OidcBrowser.Reply start = browser.gateway("/oauth2/authorization/" + registration);
        assertThat(start.status()).isEqualTo(302);
        assertThat(start.location()).startsWith(PROVIDER.authorizationEndpointUrl(registration).toString());
        return start.location();
    }

    /** The provider's answer to the authorize request: the redirect back to the gateway, with code and state. */
    private static String authorize(OidcBrowser browser, String authorizeUrl) {
        OidcBrowser.Reply authorized = browser.provider(authorizeUrl);
        assertThat(authorized.status()).isEqualTo(302);
        assertThat(authorized.location()).startsWith(CONSOLE + "login/oauth2/code/");
        return authorized.location();
    }

    /**
     * The whole login up to the gateway's answer to the callback. The provider takes queued token
     * callbacks in order at its token endpoint: a test queues one only when its callback reaches it.
     */
    private static OidcBrowser.Reply login(OidcBrowser browser, String registration, DefaultOAuth2TokenCallback tokens) {
        String callback = authorize(browser, startLogin(browser, registration));
        PROVIDER.enqueueCallback(tokens);
        return browser.gateway(callback);
    }

    private static DefaultOAuth2TokenCallback tokens(String issuerId, String subject, Map<String, Object> claims,
                                                     long expirySeconds) {
        return new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of("parley"), claims, expirySeconds);
    }

    private static DefaultOAuth2TokenCallback google(String subject, String email) {
        return tokens("google", subject, Map.of("email", email, "email_verified", true, "name", "Ada Google"), 3600);
    }

    private static DefaultOAuth2TokenCallback microsoft(String tid, String oid, String pairwiseSub) {
        return tokens("microsoft", pairwiseSub, Map.of("tid", tid, "oid", oid, "email", "grace@contoso.test",
                "name", "Grace Microsoft"), 3600);
    }

    /** A login that worked: 302 to the console with both session cookies, and the console's /me answers. */
    private static JsonNode loggedIn(OidcBrowser browser, OidcBrowser.Reply callback) {
        assertThat(callback.status()).as(callback.body()).isEqualTo(302);
        assertThat(callback.location()).isEqualTo(CONSOLE);
        assertThat(callback.setCookies()).containsKeys(SessionCookies.ACCESS, SessionCookies.REFRESH);
        OidcBrowser.Reply me = browser.gateway("/api/v1/me");
        assertThat(me.status()).isEqualTo(200);
        return me.json();
    }

    /** A refused callback: the plain 401 page, no session, nothing of the cause. */
    private static void refused(OidcBrowser.Reply callback) {
        assertThat(callback.status()).isEqualTo(401);
        assertThat(callback.headers().get("Content-Type")).startsWith("text/html");
        assertThat(callback.body()).contains("Logging in did not work").doesNotContain("nonce", "invalid", "state");
        assertThat(callback.setCookies()).doesNotContainKeys(SessionCookies.ACCESS, SessionCookies.REFRESH);
    }

    /**
     * The refusal just seen was counted as the client's first OIDC failure: two more (callbacks
     * without any state) reach the limit of 3, and the next callback is answered 429.
     */
    private static void countedAsFailure(OidcBrowser browser) {
        for (int i = 0; i < 2; i++) {
            assertThat(browser.gateway("/login/oauth2/code/google?code=x").status()).isEqualTo(401);
        }
        OidcBrowser.Reply locked = browser.gateway("/login/oauth2/code/google?code=x&state=y");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Long.parseLong(locked.headers().get("Retry-After"))).isPositive();
    }

    private static List<String> operatorsOf(String issuer, String subject) {
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement(
                     "SELECT operator_id FROM operator_identities WHERE issuer = ? AND subject_index = ?")) {
            query.setString(1, issuer);
            query.setBytes(2, SealedValues.shared().operatorSubjectIndex(issuer, subject));
            List<String> operators = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    operators.add(rows.getString(1));
                }
            }
            return operators;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unique(String what) {
        return what + "-" + UUID.randomUUID();
    }

    // ---- logins that work

    @Test
    void googleLoginCreatesAnOperatorKeyedByIssuerAndSubject() {
        OidcBrowser browser = browser();
        String authorizeUrl = startLogin(browser, "google");
        Map<String, String> request = OidcBrowser.query(authorizeUrl);
        assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", "parley-google")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", CONSOLE + "login/oauth2/code/google")
                .containsKeys("code_challenge", "state", "nonce");
        assertThat(request.get("scope").split(" ")).contains("openid");
        assertThat(request.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(request.get("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(request.get("nonce")).hasSizeGreaterThanOrEqualTo(32);

        String callback = authorize(browser, authorizeUrl);
        assertThat(OidcBrowser.query(callback)).containsEntry("state", request.get("state")).containsKey("code");
        String subject = unique("google-sub");
        String email = unique("ada") + "@example.test";
        PROVIDER.enqueueCallback(google(subject, email));
        JsonNode me = loggedIn(browser, browser.gateway(callback));

        assertThat(me.get("email").asString()).isEqualTo(email);
        assertThat(me.get("displayName").asString()).isEqualTo("Ada Google");
        assertThat(me.get("memberships")).hasSize(1);
        assertThat(operatorsOf(PROVIDER.issuerUrl("google").toString(), subject))
                .containsExactly(me.get("operatorId").asString());
        assertThat(operatorsOf("parley:magic-link", email)).as("never keyed by the e-mail").isEmpty();
    }

    @Test
    void theSameSubjectLogsInToTheSameOperator() {
        String subject = unique("google-sub");
        String email = unique("ada") + "@example.test";
        OidcBrowser laptop = browser();
        JsonNode first = loggedIn(laptop, login(laptop, "google", google(subject, email)));
        OidcBrowser phone = browser();
        JsonNode second = loggedIn(phone, login(phone, "google", google(subject, unique("changed") + "@example.test")));

        assertThat(second.get("operatorId").asString()).isEqualTo(first.get("operatorId").asString());
        assertThat(second.get("email").asString()).as("the first login's address stays").isEqualTo(email);
    }

    @Test
    void aDifferentSubjectWithTheSameEmailIsADifferentOperator() {
        String email = unique("shared") + "@example.test";
        OidcBrowser owner = browser();
        JsonNode first = loggedIn(owner, login(owner, "google", google(unique("google-sub"), email)));
        OidcBrowser other = browser();
        JsonNode second = loggedIn(other, login(other, "google", google(unique("google-sub"), email)));

        assertThat(second.get("operatorId").asString()).isNotEqualTo(first.get("operatorId").asString());
    }

    @Test
    void microsoftLoginIsKeyedByTenantAndObjectId() {
        String tid = UUID.randomUUID().toString();
        String oid = UUID.randomUUID().toString();
        OidcBrowser browser = browser();
        String authorizeUrl = startLogin(browser, "microsoft");
        assertThat(OidcBrowser.query(authorizeUrl)).containsEntry("code_challenge_method", "S256")
                .containsKeys("code_challenge", "state", "nonce");
        String callback = authorize(browser, authorizeUrl);
        PROVIDER.enqueueCallback(microsoft(tid, oid, unique("pairwise")));
        JsonNode me = loggedIn(browser, browser.gateway(callback));

        assertThat(operatorsOf("https://login.microsoftonline.com/" + tid + "/v2.0", oid))
                .containsExactly(me.get("operatorId").asString());

        // Microsoft's sub differs per application: the same tid + oid is the same operator whatever the sub
        OidcBrowser again = browser();
        JsonNode second = loggedIn(again, login(again, "microsoft", microsoft(tid, oid, unique("pairwise"))));
        assertThat(second.get("operatorId").asString()).isEqualTo(me.get("operatorId").asString());

        // the same object id in another tenant is someone else
        OidcBrowser stranger = browser();
        JsonNode third = loggedIn(stranger, login(stranger, "microsoft",
                microsoft(UUID.randomUUID().toString(), oid, unique("pairwise"))));
        assertThat(third.get("operatorId").asString()).isNotEqualTo(me.get("operatorId").asString());
    }

    @Test
    void aMicrosoftTokenWithoutTenantOrObjectIdIsRefused() {
        OidcBrowser browser = browser();
        refused(login(browser, "microsoft", tokens("microsoft", unique("pairwise"), Map.of("name", "No Ids"), 3600)));
        countedAsFailure(browser);
    }

    // ---- callbacks that are refused

    @Test
    void aCallbackWithAnotherStateIsRefused() {
        OidcBrowser browser = browser();
        String callback = authorize(browser, startLogin(browser, "google"));
        refused(browser.gateway(OidcBrowser.withParameter(callback, "state", unique("forged"))));
        countedAsFailure(browser);
    }

    @Test
    void aCallbackWithoutStateIsRefused() {
        OidcBrowser browser = browser();
        String callback = authorize(browser, startLogin(browser, "google"));
        refused(browser.gateway(OidcBrowser.withParameter(callback, "state", null)));
        countedAsFailure(browser);
    }

    @Test
    void aCallbackFromAnotherBrowserIsRefused() {
        OidcBrowser victim = browser();
        String callback = authorize(victim, startLogin(victim, "google"));
        OidcBrowser attacker = browser();
        refused(attacker.gateway(callback));
        countedAsFailure(attacker);
    }

    @Test
    void aReplayedCodeIsRefused() {
        OidcBrowser browser = browser();
        String callback = authorize(browser, startLogin(browser, "google"));
        PROVIDER.enqueueCallback(google(unique("google-sub"), unique("x") + "@example.test"));
        loggedIn(browser, browser.gateway(callback));

        // the very same callback again
        refused(browser.gateway(callback));

        // the old code under a fresh, valid state of the same browser: the provider refuses the used code
        String fresh = authorize(browser, startLogin(browser, "google"));
        String replay = OidcBrowser.withParameter(fresh, "code", OidcBrowser.query(callback).get("code"));
        OidcBrowser.Reply refusedReplay = browser.gateway(replay);
        assertThat(refusedReplay.status()).isEqualTo(401);
        assertThat(refusedReplay.setCookies()).doesNotContainKeys(SessionCookies.ACCESS, SessionCookies.REFRESH);

        OidcBrowser.Reply locked = browser.gateway("/login/oauth2/code/google?code=x&state=y");
        assertThat(locked.status()).as("replays counted: 2 failures, then a third").isEqualTo(401);
        assertThat(browser.gateway("/login/oauth2/code/google?code=x&state=y").status()).isEqualTo(429);
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() {
        OidcBrowser browser = browser();
        refused(login(browser, "google", tokens("google", unique("google-sub"),
                Map.of("nonce", unique("other-nonce")), 3600)));
        countedAsFailure(browser);
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() {
        OidcBrowser browser = browser();
        refused(login(browser, "google", tokens("google", unique("google-sub"),
                Map.of("aud", List.of("someone-else")), 3600)));
        countedAsFailure(browser);
    }

    @Test
    void anIdTokenOfAnotherIssuerIsRefused() {
        OidcBrowser browser = browser();
        refused(login(browser, "google", tokens("google", unique("google-sub"),
                Map.of("iss", PROVIDER.issuerUrl("microsoft").toString()), 3600)));
        countedAsFailure(browser);
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        OidcBrowser browser = browser();
        String authorizeUrl = startLogin(browser, "google");
        String nonce = OidcBrowser.query(authorizeUrl).get("nonce");
        String callback = authorize(browser, authorizeUrl);
        // The mock derives expires_in from the ID token, and a negative one fails the token response
        // before the ID token is looked at; so this token response is canned: a proper ID
        // token of the provider (its key, issuer, audience, this login's nonce), expired ten minutes
        // ago — well past the 60 s of clock skew allowed.
        Date anHourAgo = Date.from(Instant.now().minusSeconds(3600));
        String idToken = PROVIDER.issueToken("google", "parley-google", new DefaultOAuth2TokenCallback("google",
                unique("google-sub"), "JWT", List.of("parley-google"),
                Map.of("nonce", nonce, "iat", anHourAgo, "nbf", anHourAgo), -600)).serialize();
        String accessToken = PROVIDER.issueToken("google", "parley-google", new DefaultOAuth2TokenCallback("google",
                unique("google-sub"), "JWT", List.of("parley"), Map.of(), 3600)).serialize();
        CANNED_TOKEN_RESPONSE.set("{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"scope\":\"openid email profile\",\"id_token\":\"" + idToken + "\"}");
        refused(browser.gateway(callback));
        countedAsFailure(browser);
    }

    @Test
    void afterTheFailureLimitTheCallbackAnswers429EvenWithAValidCode() {
        OidcBrowser browser = browser();
        for (int i = 0; i < 3; i++) {
            refused(browser.gateway("/login/oauth2/code/google?code=guess" + i + "&state=guess" + i));
        }
        String callback = authorize(browser, startLogin(browser, "google"));
        // no token callback queued: the provider's token endpoint must not even be asked
        OidcBrowser.Reply locked = browser.gateway(callback);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.setCookies()).doesNotContainKeys(SessionCookies.ACCESS, SessionCookies.REFRESH);
        assertThat(browser().gateway("/login/oauth2/code/google?code=x&state=y").status())
                .as("another client").isEqualTo(401);
    }

    @Test
    void anUnknownRegistrationIsNotOffered() {
        OidcBrowser browser = browser();
        assertThat(browser.gateway("/oauth2/authorization/github").status()).isIn(400, 404);
    }
}
