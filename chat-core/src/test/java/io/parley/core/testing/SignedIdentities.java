package io.parley.core.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Compact JWTs as a site would sign them, from literal header and claims JSON. */
public final class SignedIdentities {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private SignedIdentities() {
    }

    public static String hs256(byte[] secret, String claimsJson) {
        return signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claimsJson, secret);
    }

    public static String signed(String headerJson, String claimsJson, byte[] secret) {
        String input = encode(headerJson) + "." + encode(claimsJson);
        return input + "." + BASE64URL.encodeToString(hmac(secret, input));
    }

    public static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] secret, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
