package io.parley.core.protocol;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A frame a visitor's client sends, decoded and validated by {@link FrameCodec}. */
public sealed interface ClientFrame {

    /** {@code identityToken}: the site's signed statement of who its signed-in user is (see IdentityTokens). */
    record Hello(@Nullable String visitorToken, @Nullable ConversationId conversationId, @Nullable Long lastSeq,
                 @Nullable String identityToken) implements ClientFrame {

        public Hello(@Nullable String visitorToken, @Nullable ConversationId conversationId, @Nullable Long lastSeq) {
            this(visitorToken, conversationId, lastSeq, null);
        }
    }

    record PostMessage(String clientMsgId, String text) implements ClientFrame {
    }

    record Typing(boolean on) implements ClientFrame {
    }

    record Cancel(MessageId messageId) implements ClientFrame {
    }

    record Handoff() implements ClientFrame {
    }

    /** {@code t} is echoed back untouched in the pong; it may be any JSON value or absent. */
    record Ping(@Nullable JsonNode t) implements ClientFrame {
    }
}
