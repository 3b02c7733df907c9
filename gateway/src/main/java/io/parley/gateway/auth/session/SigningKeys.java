package io.parley.gateway.auth.session;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The access-token signing keys: a JWK set of private EC P-256 keys, each with a distinct kid,
 * read from a file injected at run time. The first key signs; every key verifies.
 *
 * <p>Rotation without downtime, one file edit per rolling restart: (1) append the new key (every
 * node now verifies it), (2) move it to the front (it signs; the old key still verifies),
 * (3) once the access-token lifetime has passed, delete the old key: its tokens have expired,
 * and any left over are refused for their unknown kid.
 */
public final class SigningKeys {

    private final ECKey signingKey;
    private final JWKSet verificationKeys;

    public SigningKeys(JWKSet keys) {
        List<JWK> all = keys.getKeys();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("the signing-key set is empty");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : all) {
            if (!(key instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || !ec.isPrivate()) {
                throw new IllegalArgumentException("every signing key must be a private EC P-256 key (kid "
                        + key.getKeyID() + ")");
            }
            if (key.getKeyID() == null || key.getKeyID().isBlank() || !kids.add(key.getKeyID())) {
                throw new IllegalArgumentException("every signing key needs a kid of its own");
            }
            if (key.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(key.getAlgorithm())) {
                throw new IllegalArgumentException("signing key " + key.getKeyID() + " is not for ES256");
            }
        }
        this.signingKey = (ECKey) all.get(0);
        this.verificationKeys = keys.toPublicJWKSet();
    }

    /** Reads the key file; the message of a failure names the file, never a key. */
    public static SigningKeys load(Path file) {
        try {
            return new SigningKeys(JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing-key file " + file
                    + " (generate one with scripts/dev-secrets, or inject it in production)", e);
        } catch (ParseException e) {
            throw new IllegalStateException("the signing-key file " + file + " is not a JWK set", e);
        }
    }

    ECKey signingKey() {
        return signingKey;
    }

    /** Public keys only. */
    public JWKSet verificationKeys() {
        return verificationKeys;
    }

    /** What {@code /.well-known/jwks.json} serves: the public halves, with kid, use and alg. */
    public Map<String, Object> publicJwkSet() {
        return verificationKeys.toJSONObject(true);
    }
}
