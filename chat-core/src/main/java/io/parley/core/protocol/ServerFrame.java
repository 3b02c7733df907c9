package io.parley.core.protocol;

import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A frame the server sends; {@link FrameCodec#encode} writes it as the protocol says. */
public sealed interface ServerFrame {

    record Welcome(VisitorId visitorId, String visitorToken, @Nullable ConversationId conversationId, long lastSeq,
                   long heartbeatMs, String botName, String greeting) implements ServerFrame {
        public Welcome withHeartbeat(long ms) {
            return new Welcome(visitorId, visitorToken, conversationId, lastSeq, ms, botName, greeting);
        }
    }

    record Ack(String clientMsgId, MessageId messageId, ConversationId conversationId, long seq)
            implements ServerFrame {
    }

    record Message(long seq, MessageId messageId, ConversationId conversationId, Author author, String text,
                   Instant createdAt) implements ServerFrame {
    }

    record ReplyStart(MessageId messageId, ConversationId conversationId, Author author) implements ServerFrame {
    }

    record ReplyDelta(MessageId messageId, ConversationId conversationId, String text) implements ServerFrame {
        public ReplyDelta merge(ReplyDelta next) {
            return new ReplyDelta(messageId, conversationId, text + next.text());
        }
    }

    record ReplyEnd(MessageId messageId, ConversationId conversationId, long seq, Finish finish)
            implements ServerFrame {
    }

    record Handoff(long seq, ConversationId conversationId, HandoffState state, @Nullable String agentName)
            implements ServerFrame {
    }

    record Typing(ConversationId conversationId, Author author, boolean on) implements ServerFrame {
    }

    record Error(String code, String message, @Nullable String clientMsgId, @Nullable Long retryAfterMs)
            implements ServerFrame {
        public static Error of(String code, String message) {
            return new Error(code, message, null, null);
        }
    }

    record Pong(@Nullable JsonNode t) implements ServerFrame {
    }

    /**
     * A frame its transport encoded itself: agent-only events whose visitor data is masked per operator
     * role, which only the transport knows how to do. Written as it is.
     */
    record Prepared(String json) implements ServerFrame {
    }

    /** The frame a participant sees for a live signal; null for signals that are not shown to clients. */
    static @Nullable ServerFrame of(LiveSignal signal) {
        if (signal instanceof LiveSignal.Stored stored) {
            StoredEvent event = stored.event();
            if (event instanceof StoredEvent.Message m) {
                return new Message(m.seq(), m.messageId(), m.conversationId(), m.author(), m.text(), m.createdAt());
            }
            StoredEvent.Handoff h = (StoredEvent.Handoff) event;
            return new Handoff(h.seq(), h.conversationId(), h.state(), h.agentName());
        }
        if (signal instanceof LiveSignal.ReplyStart s) {
            return new ReplyStart(s.messageId(), s.conversationId(), s.author());
        }
        if (signal instanceof LiveSignal.ReplyDelta d) {
            return new ReplyDelta(d.messageId(), d.conversationId(), d.text());
        }
        if (signal instanceof LiveSignal.ReplyEnd e) {
            return new ReplyEnd(e.messageId(), e.conversationId(), e.seq(), e.finish());
        }
        if (signal instanceof LiveSignal.Typing t) {
            return new Typing(t.conversationId(), t.author(), t.on());
        }
        return null;
    }
}
