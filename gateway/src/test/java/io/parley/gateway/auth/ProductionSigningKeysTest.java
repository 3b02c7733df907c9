package io.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** The prod profile refuses the signing keys scripts/dev-secrets makes. */
class ProductionSigningKeysTest {

    private static Path keys(Path dir, String kid) throws Exception {
        JWKSet set = new JWKSet(List.of(new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate()));
        return Files.writeString(dir.resolve(kid + ".json"), set.toString(false));
    }

    private static AuthProperties auth(Path keys) {
        return new AuthProperties(URI.create("https://console.example"), AuthProperties.Signup.OPEN,
                java.time.Duration.ofMinutes(15), java.time.Duration.ofMinutes(15), java.time.Duration.ofDays(30),
                keys, "Parley <no-reply@example>");
    }

    @Test
    void productionRefusesDevelopmentKeysAndTakesItsOwn(@TempDir Path dir) throws Exception {
        MockEnvironment prod = new MockEnvironment();
        prod.setActiveProfiles("prod");
        AuthWiring wiring = new AuthWiring();

        assertThatThrownBy(() -> wiring.signingKeys(auth(keys(dir, "dev-20261129-abcd")), prod))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("development");
        assertThat(wiring.signingKeys(auth(keys(dir, "prod-2026-11")), prod).verificationKeys().getKeys()).hasSize(1);

        MockEnvironment dev = new MockEnvironment();
        dev.setActiveProfiles("dev");
        assertThat(wiring.signingKeys(auth(keys(dir, "dev-20261129-ef01")), dev).verificationKeys().getKeys()).hasSize(1);
    }
}
