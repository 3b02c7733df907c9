package io.parley.core.engine;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.VisitorId;
import io.parley.core.port.IdGenerator;
import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids: the prefix and 128 random bits in URL-safe base64 (22 characters). */
public final class RandomIds implements IdGenerator {
    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    private String next(String prefix) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + encoder.encodeToString(bytes);
    }

    @Override
    public ConversationId conversationId() {
        return new ConversationId(next(ConversationId.PREFIX));
    }

    @Override
    public MessageId messageId() {
        return new MessageId(next(MessageId.PREFIX));
    }

    /** A node's id for the leases of its replies ({@code n_…}); new at each start. */
    public static String nodeId() {
        return new RandomIds().next("n_");
    }

    @Override
    public VisitorId visitorId() {
        return new VisitorId(next(VisitorId.PREFIX));
    }
}
