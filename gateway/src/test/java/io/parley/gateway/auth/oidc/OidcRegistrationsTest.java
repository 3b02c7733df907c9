package io.parley.gateway.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.gateway.auth.AuthProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.jwt.Jwt;

/** Which registrations are offered, and Microsoft's per-tenant issuer check. */
class OidcRegistrationsTest {
    private static final AuthProperties AUTH = new AuthProperties(URI.create("https://console.parley.test/"),
            AuthProperties.Signup.OPEN, Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofDays(30),
            Path.of("unused"), "Parley <no-reply@parley.test>");

    private static MockEnvironment environment(String googleClientId, String microsoftClientId) {
        return new MockEnvironment()
                .withProperty("spring.security.oauth2.client.registration.google.client-id", googleClientId)
                .withProperty("spring.security.oauth2.client.registration.google.client-secret", "")
                .withProperty("spring.security.oauth2.client.registration.google.scope", "openid, email, profile")
                .withProperty("spring.security.oauth2.client.registration.microsoft.client-id", microsoftClientId)
                .withProperty("spring.security.oauth2.client.registration.microsoft.authorization-grant-type",
                        "authorization_code")
                .withProperty("spring.security.oauth2.client.registration.microsoft.scope", "openid, email")
                .withProperty("spring.security.oauth2.client.registration.microsoft.provider", "microsoft")
                .withProperty("spring.security.oauth2.client.provider.microsoft.authorization-uri",
                        "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize")
                .withProperty("spring.security.oauth2.client.provider.microsoft.token-uri",
                        "https://login.microsoftonline.com/organizations/oauth2/v2.0/token")
                .withProperty("spring.security.oauth2.client.provider.microsoft.jwk-set-uri",
                        "https://login.microsoftonline.com/organizations/discovery/v2.0/keys");
    }

    @Test
    void aRegistrationWithoutClientIdIsNotOffered() {
        OidcRegistrations none = OidcRegistrations.from(environment("", ""), AUTH);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.findByRegistrationId("google").blockOptional(Duration.ofSeconds(1))).isEmpty();

        OidcRegistrations microsoftOnly = OidcRegistrations.from(environment("", "ms-client"), AUTH);
        assertThat(microsoftOnly.findByRegistrationId("google").blockOptional(Duration.ofSeconds(1))).isEmpty();
        var microsoft = microsoftOnly.findByRegistrationId("microsoft").block(Duration.ofSeconds(1));
        assertThat(microsoft.getRedirectUri()).isEqualTo("https://console.parley.test/login/oauth2/code/microsoft");
        assertThat(microsoft.getProviderDetails().getIssuerUri()).isNull();
    }

    @Test
    void googleUsesSpringsProviderWithItsIssuerAndTheConfiguredBaseUrl() {
        var google = OidcRegistrations.from(environment("g-client", ""), AUTH).findByRegistrationId("google")
                .block(Duration.ofSeconds(1));
        assertThat(google.getProviderDetails().getIssuerUri()).isEqualTo("https://accounts.google.com");
        assertThat(google.getRedirectUri()).isEqualTo("https://console.parley.test/login/oauth2/code/google");
    }

    @Test
    void anUnknownRegistrationStopsTheStart() {
        MockEnvironment environment = environment("g", "").withProperty(
                "spring.security.oauth2.client.registration.github.client-id", "x");
        assertThatThrownBy(() -> OidcRegistrations.from(environment, AUTH)).isInstanceOf(IllegalStateException.class);
    }

    private static Jwt token(String issuer, String tid) {
        return Jwt.withTokenValue("t").header("alg", "RS256").claim("iss", issuer).claim("tid", tid)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
    }

    @Test
    void microsoftTokensMustComeFromTheirOwnTenantsIssuer() {
        String tid = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        MicrosoftIssuerValidator anyTenant = new MicrosoftIssuerValidator("organizations");
        assertThat(anyTenant.validate(token("https://login.microsoftonline.com/" + tid + "/v2.0", tid)).hasErrors())
                .isFalse();
        assertThat(anyTenant.validate(token("https://login.microsoftonline.com/" + other + "/v2.0", tid)).hasErrors())
                .as("another tenant's issuer").isTrue();
        assertThat(anyTenant.validate(token("https://evil.test/" + tid + "/v2.0", tid)).hasErrors()).isTrue();
        assertThat(anyTenant.validate(token("https://login.microsoftonline.com/common/v2.0", "common")).hasErrors())
                .isTrue();

        MicrosoftIssuerValidator oneTenant = new MicrosoftIssuerValidator(tid);
        assertThat(oneTenant.validate(token("https://login.microsoftonline.com/" + tid + "/v2.0", tid)).hasErrors())
                .isFalse();
        assertThat(oneTenant.validate(token("https://login.microsoftonline.com/" + other + "/v2.0", other)).hasErrors())
                .as("a tenant other than the configured one").isTrue();
    }
}
