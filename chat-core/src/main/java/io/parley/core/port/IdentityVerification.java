package io.parley.core.port;

import io.parley.core.model.BotId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.WorkspaceId;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A bot's identity-verification settings: the secrets its site signs visitors' identity tokens with (two
 * may be active while one replaces the other) and whether it accepts only verified visitors.
 */
public interface IdentityVerification {
    int MAX_ACTIVE_SECRETS = 2;

    /** Whether the bot accepts only verified visitors; false for an unknown bot. */
    Mono<Boolean> verifiedVisitorsOnly(BotId bot);

    /** The bot's secrets that are not revoked, oldest first. */
    Flux<IdentitySecret> activeSecrets(BotId bot);

    /** The settings of the workspace's bot; empty when the workspace has no such bot. */
    Mono<Settings> settings(WorkspaceId workspace, BotId bot);

    /** False when the workspace has no such bot. */
    Mono<Boolean> setVerifiedVisitorsOnly(WorkspaceId workspace, BotId bot, boolean on);

    /** A new active secret of 32 random bytes; empty when the bot has {@link #MAX_ACTIVE_SECRETS} already. */
    Mono<IdentitySecret> createSecret(BotId bot);

    /** Revokes one of the bot's active secrets; false when the bot has no such active secret. */
    Mono<Boolean> revokeSecret(BotId bot, IdentitySecretId id);

    record Settings(boolean verifiedVisitorsOnly, List<IdentitySecret> activeSecrets) {
        public Settings {
            activeSecrets = List.copyOf(activeSecrets);
        }
    }
}
