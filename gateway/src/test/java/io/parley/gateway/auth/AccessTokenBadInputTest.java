package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Hand-made access tokens for a real operator against the running gateway. */
class AccessTokenBadInputTest extends GatewayIntegrationTest {
    private AuthClient client;
    private String operatorId;

    @BeforeEach
    void operator() {
        client = new AuthClient(https());
        JsonNode session = client.signUp(AuthClient.uniqueEmail("jwt"));
        operatorId = client.me(session.get("accessToken").asString()).json().get("operatorId").asString();
    }

    private int meWith(String token) {
        return client.get("/api/v1/me", h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)).status();
    }

    private static ECKey key(String kid) {
        return (ECKey) TestBackends.SIGNING_KEYS.getKeyByKeyId(kid);
    }

    @Test
    void aTokenSignedByTheCurrentOrThePreviousKeyIsAccepted() {
        assertThat(meWith(TestJwts.sign(key("test-current"), TestJwts.valid(operatorId)))).isEqualTo(200);
        assertThat(meWith(TestJwts.sign(key("test-previous"), TestJwts.valid(operatorId)))).isEqualTo(200);
    }

    @Test
    void algNoneIsRefused() {
        assertThat(meWith(TestJwts.unsigned("test-current", TestJwts.valid(operatorId)))).isEqualTo(401);
    }

    @Test
    void aKeyIdWeDoNotHaveIsRefused() {
        assertThat(meWith(TestJwts.sign(TestJwts.newKey("someone-elses"), TestJwts.valid(operatorId)))).isEqualTo(401);
    }

    @Test
    void aTokenOfARetiredKeyIsRefused() {
        // a key once in the set and now removed: its tokens carry a kid the set no longer has
        ECKey retired = TestJwts.newKey("test-retired-2024");
        assertThat(meWith(TestJwts.sign(retired, TestJwts.valid(operatorId)))).isEqualTo(401);
        // and a key claiming a kid we have, with another private key
        assertThat(meWith(TestJwts.sign(retired, "test-current", TestJwts.valid(operatorId)))).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused() {
        JWTClaimsSet expired = TestJwts.claims(operatorId, 0, Instant.now().minus(Duration.ofMinutes(20)),
                Duration.ofMinutes(15)).build();
        assertThat(meWith(TestJwts.sign(key("test-current"), expired))).isEqualTo(401);
    }

    @Test
    void anotherIssuerOrAudienceIsRefused() {
        JWTClaimsSet.Builder claims = TestJwts.claims(operatorId, 0, Instant.now(), Duration.ofMinutes(15));
        assertThat(meWith(TestJwts.sign(key("test-current"), claims.issuer("https://evil.example").build())))
                .isEqualTo(401);
        JWTClaimsSet.Builder other = TestJwts.claims(operatorId, 0, Instant.now(), Duration.ofMinutes(15));
        assertThat(meWith(TestJwts.sign(key("test-current"), other.audience("other").build()))).isEqualTo(401);
    }

    @Test
    void theJwksEndpointServesEveryPublicKeyAndNoPrivateOne() {
        AuthClient.Reply jwks = client.get("/.well-known/jwks.json", h -> { });
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.body()).contains("\"test-current\"", "\"test-previous\"", "\"EC\"", "\"P-256\"")
                .doesNotContain("\"d\"");
    }
}
