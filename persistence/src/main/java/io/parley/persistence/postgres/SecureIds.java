package io.parley.persistence.postgres;

import io.parley.core.model.ApiKeyId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.BotId;
import io.parley.core.model.OperatorId;
import io.parley.core.model.WorkspaceId;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable operator, workspace, API-key, bot and knowledge-entry ids and widget keys, made the way chat-core's {@code RandomIds} makes the others: the
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

    static BotId botId() {
        return new BotId(next(BotId.PREFIX));
    }

    /** {@code ke_} and 128 random bits. */
    static String knowledgeEntryId() {
        return next("ke_");
    }

    /** A public widget key: {@code pk_} and 24 URL-safe characters (144 random bits). */
    static String widgetKey() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return "pk_" + ENCODER.encodeToString(bytes);
    }

    private static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + ENCODER.encodeToString(bytes);
    }
}
