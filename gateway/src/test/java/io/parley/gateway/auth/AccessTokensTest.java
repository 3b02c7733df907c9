package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.gateway.auth.session.AccessTokens;
import io.parley.gateway.auth.session.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key rotation and token checks without a server: a key set per stage of a rotation. */
class AccessTokensTest {
    private static final Operator OPERATOR = new Operator(new OperatorId("o_rotation"), "a@parley.test", "a", false,
            3, Instant.now());
    private final ECKey oldKey = TestJwts.newKey("2025-old");
    private final ECKey newKey = TestJwts.newKey("2026-new");

    private static AccessTokens tokens(ECKey... keys) {
        return new AccessTokens(new SigningKeys(new JWKSet(List.of(keys))), AuthClient.BASE_URL,
                Duration.ofMinutes(15), Instant::now);
    }

    @Test
    void aRotationKeepsOldTokensValidUntilTheOldKeyIsRemoved() {
        String byOldKey = tokens(oldKey).issue(OPERATOR, "rf_a").token();

        AccessTokens rotated = tokens(newKey, oldKey);
        assertThat(rotated.verify(byOldKey)).hasValueSatisfying(verified -> {
            assertThat(verified.operator()).isEqualTo(OPERATOR.id());
            assertThat(verified.sessionVersion()).isEqualTo(3);
            assertThat(verified.sessionId()).isEqualTo("rf_a");
        });
        String byNewKey = rotated.issue(OPERATOR, "rf_b").token();
        assertThat(byNewKey).isNotEqualTo(byOldKey);

        AccessTokens retired = tokens(newKey);
        assertThat(retired.verify(byOldKey)).as("signed by the retired key").isEmpty();
        assertThat(retired.verify(byNewKey)).isPresent();
    }

    @Test
    void refusesAlgNoneUnknownKidForgedExpiredAndForeignTokens() {
        AccessTokens tokens = tokens(newKey);
        String id = OPERATOR.id().value();
        assertThat(tokens.verify(TestJwts.unsigned(newKey.getKeyID(), TestJwts.valid(id)))).as("alg none").isEmpty();
        assertThat(tokens.verify(TestJwts.sign(oldKey, TestJwts.valid(id)))).as("unknown kid").isEmpty();
        assertThat(tokens.verify(TestJwts.sign(oldKey, newKey.getKeyID(), TestJwts.valid(id)))).as("our kid, another key")
                .isEmpty();
        assertThat(tokens.verify(TestJwts.sign(newKey, TestJwts.claims(id, 0, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofMinutes(15)).build()))).as("expired").isEmpty();
        assertThat(tokens.verify(TestJwts.sign(newKey, TestJwts.claims(id, 0, Instant.now(), Duration.ofMinutes(15))
                .issuer("https://evil.example").build()))).as("another issuer").isEmpty();
        assertThat(tokens.verify(TestJwts.sign(newKey, TestJwts.claims(id, 0, Instant.now(), Duration.ofMinutes(15))
                .audience("something-else").build()))).as("another audience").isEmpty();
        assertThat(tokens.verify("not.a.jwt")).isEmpty();
        assertThat(tokens.verify(TestJwts.sign(newKey, TestJwts.valid(id)))).as("the control: a good one").isPresent();
    }

    @Test
    void signingKeysRefuseKeysWithoutKidOrPrivateHalf() {
        ECKey noKid = new ECKey.Builder(newKey).keyID(null).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SigningKeys(new JWKSet(noKid)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SigningKeys(new JWKSet(newKey.toPublicJWK())))
                .isInstanceOf(IllegalArgumentException.class);
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> published = (List<java.util.Map<String, Object>>)
                new SigningKeys(new JWKSet(List.of(newKey, oldKey))).publicJwkSet().get("keys");
        assertThat(published).extracting(key -> key.get("kid")).containsExactly("2026-new", "2025-old");
        assertThat(published).allSatisfy(key -> assertThat(key).containsKeys("x", "y").doesNotContainKey("d"));
    }
}
