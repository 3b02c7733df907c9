package io.parley.gateway.auth.apikey;

import io.parley.gateway.auth.session.OpaqueTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys themselves: {@code sk_} and 32 random bytes in base64url. Stored is only HMAC-SHA256 of the
 * key under the pepper, so a copy of the database alone does not let anyone test guesses against it.
 */
public final class ApiKeySecrets {
    public static final String KEY_PREFIX = "sk_";
    static final int LISTED_PREFIX_LENGTH = 8;

    private final SecretKeySpec pepper;

    ApiKeySecrets(byte[] pepper) {
        if (pepper.length < 32) {
            throw new IllegalArgumentException("the API-key pepper must hold at least 32 bytes");
        }
        this.pepper = new SecretKeySpec(pepper, "HmacSHA256");
    }

    /** Reads the pepper: a file holding at least 32 bytes in base64. */
    static ApiKeySecrets load(Path pepperFile) {
        try {
            byte[] pepper = Base64.getDecoder().decode(Files.readString(pepperFile, StandardCharsets.US_ASCII).strip());
            return new ApiKeySecrets(pepper);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API-key pepper file " + pepperFile, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the API-key pepper file " + pepperFile
                    + " must hold at least 32 bytes in base64", e);
        }
    }

    String generate() {
        return KEY_PREFIX + OpaqueTokens.generate();
    }

    /** Whether {@code key} could be one of ours; anything else is refused before any lookup. */
    static boolean wellFormed(String key) {
        return key.startsWith(KEY_PREFIX) && OpaqueTokens.wellFormed(key.substring(KEY_PREFIX.length()));
    }

    /** The characters shown in lists: the first 8 after {@code sk_}. */
    static String listedPrefix(String key) {
        return key.substring(KEY_PREFIX.length(), KEY_PREFIX.length() + LISTED_PREFIX_LENGTH);
    }

    byte[] hash(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return mac.doFinal(key.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
