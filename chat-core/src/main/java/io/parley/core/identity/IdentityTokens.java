package io.parley.core.identity;

import io.parley.core.model.IdentitySecret;
import io.parley.core.model.VerifiedIdentity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks identity tokens: compact JWTs a site signs with one of a bot's identity secrets to say who its
 * signed-in user is. Only HS256; {@code exp} required, in the future and at most {@link #MAX_LIFETIME}
 * away (a leaked token soon dies); {@code sub} required; {@code email}, {@code name}, {@code phone}
 * optional; other claims ignored. Clocks may differ by {@link #LEEWAY}.
 */
public final class IdentityTokens {
    public static final int MAX_TOKEN_CHARS = 4096;
    public static final Duration LEEWAY = Duration.ofSeconds(60);
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);
    public static final int MAX_SUBJECT_CHARS = 256;
    public static final int MAX_EMAIL_CHARS = 320;
    public static final int MAX_NAME_CHARS = 200;
    public static final int MAX_PHONE_CHARS = 64;

    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    /** 9999-12-31T23:59:59Z: later dates are refused rather than overflow. */
    private static final long LATEST_SECONDS = 253_402_300_799L;

    private final JsonMapper json = JsonMapper.builder()
            // RFC 7519 §4: a claim given twice is refused rather than read as whichever came last.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The outcome: the identity when the token holds, otherwise what is wrong with it (for logs, not for clients). */
    public sealed interface Verification {
    }

    public record Verified(VerifiedIdentity identity) implements Verification {
    }

    public record Refused(String why) implements Verification {
    }

    /**
     * Checks the token against the bot's active secrets: the one its {@code kid} header names, or else
     * each in turn.
     */
    public Verification verify(String token, List<IdentitySecret> secrets, Instant now) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return new Refused("longer than " + MAX_TOKEN_CHARS + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !BASE64URL.matcher(parts[0]).matches() || !BASE64URL.matcher(parts[1]).matches()
                || !BASE64URL.matcher(parts[2]).matches()) {
            return new Refused("not a compact JWS of three base64url parts");
        }
        JsonNode header = object(parts[0]);
        if (header == null) {
            return new Refused("header is not a JSON object");
        }
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isString() || !"HS256".equals(alg.asString())) {
            return new Refused("alg must be HS256");
        }
        if (header.has("crit")) {
            return new Refused("crit header parameters are not supported");
        }
        List<IdentitySecret> candidates = secrets;
        JsonNode kid = header.get("kid");
        if (kid != null && !kid.isNull()) {
            if (!kid.isString()) {
                return new Refused("kid must be a string");
            }
            candidates = secrets.stream().filter(s -> s.id().value().equals(kid.asString())).toList();
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return new Refused("signature is not base64url");
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (candidates.stream().noneMatch(s -> MessageDigest.isEqual(signature, hmacSha256(s.secret(), signingInput)))) {
            return new Refused(candidates.isEmpty() ? "no active secret to check it with" : "signature does not match");
        }
        JsonNode claims = object(parts[1]);
        if (claims == null) {
            return new Refused("payload is not a JSON object");
        }
        return checkClaims(claims, now);
    }

    private static Verification checkClaims(JsonNode claims, Instant now) {
        Instant expires = numericDate(claims, "exp");
        if (expires == null) {
            return new Refused("exp (a NumericDate) is required");
        }
        if (!now.minus(LEEWAY).isBefore(expires)) {
            return new Refused("expired");
        }
        if (expires.isAfter(now.plus(MAX_LIFETIME).plus(LEEWAY))) {
            return new Refused("exp is more than " + MAX_LIFETIME.toHours() + " h away");
        }
        if (claims.has("iat")) {
            Instant issued = numericDate(claims, "iat");
            if (issued == null || issued.isAfter(now.plus(LEEWAY))) {
                return new Refused("iat is not a NumericDate in the past");
            }
        }
        if (claims.has("nbf")) {
            Instant notBefore = numericDate(claims, "nbf");
            if (notBefore == null || notBefore.isAfter(now.plus(LEEWAY))) {
                return new Refused("not valid yet (nbf)");
            }
        }
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isString() || sub.asString().isEmpty() || sub.asString().length() > MAX_SUBJECT_CHARS
                || CONTROL.matcher(sub.asString()).find()) {
            return new Refused("sub (1 to " + MAX_SUBJECT_CHARS + " characters) is required");
        }
        try {
            String email = optionalClaim(claims, "email", MAX_EMAIL_CHARS);
            if (email != null && !EMAIL.matcher(email).matches()) {
                return new Refused("email is not an e-mail address");
            }
            return new Verified(new VerifiedIdentity(sub.asString(), email,
                    optionalClaim(claims, "name", MAX_NAME_CHARS), optionalClaim(claims, "phone", MAX_PHONE_CHARS)));
        } catch (BadClaim e) {
            return new Refused(e.getMessage());
        }
    }

    /** Seconds since the epoch, as JWT dates are; null when absent, not a number or out of range. */
    private static @Nullable Instant numericDate(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        if (value == null || !value.isNumber()) {
            return null;
        }
        double seconds = value.asDouble();
        return seconds >= 0 && seconds <= LATEST_SECONDS ? Instant.ofEpochSecond((long) seconds) : null;
    }

    /** The claim's text; null when absent, null or blank. */
    private static @Nullable String optionalClaim(JsonNode claims, String name, int maxChars) throws BadClaim {
        JsonNode value = claims.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.isString() ? value.asString().strip() : null;
        if (text == null || text.length() > maxChars || CONTROL.matcher(text).find()) {
            throw new BadClaim(name + " is not a text of at most " + maxChars + " characters");
        }
        return text.isEmpty() ? null : text;
    }

    private static final class BadClaim extends Exception {
        BadClaim(String message) {
            super(message, null, false, false);
        }
    }

    private @Nullable JsonNode object(String base64url) {
        try {
            JsonNode node = json.readTree(Base64.getUrlDecoder().decode(base64url));
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
