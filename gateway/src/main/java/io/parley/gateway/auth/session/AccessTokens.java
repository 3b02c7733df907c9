package io.parley.gateway.auth.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Clock;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived ES256 access tokens. Claims: {@code sub} (operator id), {@code sv} (the operator's
 * session version when the session began), {@code sid} (the session's refresh-token family), plus
 * iss, aud, iat, exp, jti.
 *
 * <p>Roles are deliberately not in the token: they are looked up per request. A demoted or removed
 * operator then loses access at once instead of up to one token lifetime later, tokens stay small,
 * and the lookup is needed anyway to compare {@code sv} with the operator's current session version
 * (logout everywhere, disabling).
 */
public final class AccessTokens {
    public static final String AUDIENCE = "parley-api";
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    private static final int MAX_TOKEN_CHARS = 4096;

    private final SigningKeys keys;
    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public AccessTokens(SigningKeys keys, String issuer, Duration lifetime, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.clock = clock;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(keys.verificationKeys())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(Set.of(AUDIENCE)),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                new HashSet<>(List.of("sub", "iat", "exp", "jti", "sv", "sid")), new HashSet<>()));
    }

    /** A signed token and when it expires. */
    public record Issued(String token, Instant expiresAt) {
    }

    /** What a verified token says; whether the session is still alive is the caller's question. */
    public record Verified(OperatorId operator, long sessionVersion, String sessionId) {
    }

    public Issued issue(Operator operator, String sessionId) {
        Instant now = clock.now();
        Instant expiresAt = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(operator.id().value())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .claim("sv", operator.sessionVersion())
                .claim("sid", sessionId)
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.signingKey().getKeyID())
                .type(TYPE).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new ECDSASigner(keys.signingKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token", e);
        }
        return new Issued(jwt.serialize(), expiresAt);
    }

    /**
     * The token's claims when it is an ES256 JWS of ours: a kid we hold, a valid signature, our
     * issuer and audience, not expired (60 s leeway). Empty otherwise: alg none, another algorithm,
     * unknown or missing kid, tampered, expired, malformed.
     */
    public Optional<Verified> verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (jwt.getHeader().getKeyID() == null) {
                return Optional.empty();
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            Long sessionVersion = claims.getLongClaim("sv");
            String sessionId = claims.getStringClaim("sid");
            if (sessionVersion == null || sessionId == null || !OperatorId.isValid(claims.getSubject())) {
                return Optional.empty();
            }
            return Optional.of(new Verified(new OperatorId(claims.getSubject()), sessionVersion, sessionId));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Optional.empty();
        }
    }

    public Duration lifetime() {
        return lifetime;
    }
}
