package io.parley.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/** Access tokens made by hand, to try what the gateway must refuse (and the one it must accept). */
final class TestJwts {

    private TestJwts() {
    }

    static JWTClaimsSet.Builder claims(String operatorId, long sessionVersion, Instant issuedAt, Duration lifetime) {
        return new JWTClaimsSet.Builder()
                .issuer(AuthClient.BASE_URL)
                .audience("parley-api")
                .subject(operatorId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("sv", sessionVersion)
                .claim("sid", "rf_test-" + UUID.randomUUID());
    }

    static JWTClaimsSet valid(String operatorId) {
        return claims(operatorId, 0, Instant.now(), Duration.ofMinutes(15)).build();
    }

    static String sign(ECKey key, String kid, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(new JOSEObjectType("at+jwt"))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    static String sign(ECKey key, JWTClaimsSet claims) {
        return sign(key, key.getKeyID(), claims);
    }

    /** alg none, claiming a kid we hold, no signature. */
    static String unsigned(String kid, JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"none\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    static ECKey newKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
