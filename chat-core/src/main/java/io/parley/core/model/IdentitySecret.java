package io.parley.core.model;

import java.time.Instant;
import java.util.Arrays;

/** A key a site signs its users' identity tokens with for one bot (HMAC-SHA256, 32 bytes). */
public record IdentitySecret(IdentitySecretId id, byte[] secret, Instant createdAt) {
    public static final int BYTES = 32;

    public IdentitySecret {
        if (secret.length != BYTES) {
            throw new IllegalArgumentException("an identity secret has " + BYTES + " bytes");
        }
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdentitySecret that && id.equals(that.id) && Arrays.equals(secret, that.secret)
                && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** Never the secret itself: records end up in logs and assertion messages. */
    @Override
    public String toString() {
        return "IdentitySecret[" + id + ", createdAt=" + createdAt + "]";
    }
}
