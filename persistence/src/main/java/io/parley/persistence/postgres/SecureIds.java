package io.parley.persistence.postgres;

import io.parley.core.model.ApiKeyId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.OperatorId;
import io.parley.core.model.WorkspaceId;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable operator, workspace and API-key ids, made the way chat-core's {@code RandomIds} makes the others: the
 * prefix and 128 random bits in URL-safe base64 (22 characters).
 */
final class SecureIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SecureIds() {
    }

    static OperatorId operatorId() {
        return new OperatorId(next(OperatorId.PREFIX));
    }

    static WorkspaceId workspaceId() {
        return new WorkspaceId(next(WorkspaceId.PREFIX));
    }

    static ApiKeyId apiKeyId() {
        return new ApiKeyId(next(ApiKeyId.PREFIX));
    }

    static String inviteId() {
        return next("inv_");
    }

    static IdentitySecretId identitySecretId() {
        return new IdentitySecretId(next(IdentitySecretId.PREFIX));
    }

    /** 32 random bytes: an identity secret. */
    static byte[] identitySecret() {
        byte[] bytes = new byte[IdentitySecret.BYTES];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + ENCODER.encodeToString(bytes);
    }
}
