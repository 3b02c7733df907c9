package io.parley.core.engine;

import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed visitor tokens: {@code v1.<visitorId>.<workspaceId>.<expiresEpochSecond>.<hmac>}, HMAC-SHA256
 * with the current key. Any node can check them without a lookup. Tokens signed with a previous key
 * still verify, so the key can rotate without logging every visitor out.
 */
public final class VisitorTokens {
    private static final String VERSION = "v1";
    private static final int MIN_KEY_BYTES = 32;

    private final byte[] currentKey;
    private final List<byte[]> previousKeys;
    private final Duration lifetime;
    private final Clock clock;

    public VisitorTokens(byte[] currentKey, List<byte[]> previousKeys, Duration lifetime, Clock clock) {
        if (currentKey.length < MIN_KEY_BYTES || previousKeys.stream().anyMatch(k -> k.length < MIN_KEY_BYTES)) {
            throw new IllegalArgumentException("visitor-token keys must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.currentKey = currentKey.clone();
        this.previousKeys = previousKeys.stream().map(byte[]::clone).toList();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(VisitorId visitor, WorkspaceId workspace) {
        long expires = clock.now().plus(lifetime).getEpochSecond();
        String payload = VERSION + "." + visitor.value() + "." + workspace.value() + "." + expires;
        return payload + "." + sign(currentKey, payload);
    }

    /** The visitor the token names, when it is authentic, unexpired and of this workspace. */
    public Optional<VisitorId> verify(String token, WorkspaceId workspace) {
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0 || token.length() > 512) {
            return Optional.empty();
        }
        String payload = token.substring(0, lastDot);
        String signature = token.substring(lastDot + 1);
        if (!signedByKnownKey(payload, signature)) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\.");
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !VisitorId.isValid(parts[1])
                || !parts[2].equals(workspace.value())) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(parts[3]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.now().isBefore(Instant.ofEpochSecond(expires))) {
            return Optional.empty();
        }
        return Optional.of(new VisitorId(parts[1]));
    }

    private boolean signedByKnownKey(String payload, String signature) {
        byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
        if (MessageDigest.isEqual(given, sign(currentKey, payload).getBytes(StandardCharsets.US_ASCII))) {
            return true;
        }
        for (byte[] key : previousKeys) {
            if (MessageDigest.isEqual(given, sign(key, payload).getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static String sign(byte[] key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
