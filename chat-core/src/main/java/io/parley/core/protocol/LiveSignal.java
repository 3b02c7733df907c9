package io.parley.core.protocol;

import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;

/** What travels between nodes about a conversation: stored events and the live-only ones. */
public sealed interface LiveSignal {

    /** Local marker, never published: the subscription is in place. */
    record Subscribed() implements LiveSignal {
    }

    /**
     * Local marker, never published: a follower has delivered every stored event and live reply it caught
     * up with; what comes after it is live.
     */
    record CaughtUp() implements LiveSignal {
    }

    record Stored(StoredEvent event) implements LiveSignal {
    }

    record ReplyStart(ConversationId conversationId, MessageId messageId, Author author) implements LiveSignal {
    }

    /** A piece of a reply; {@code offset} is the reply's length before it, for de-duplication on resume. */
    record ReplyDelta(ConversationId conversationId, MessageId messageId, long offset, String text)
            implements LiveSignal {
    }

    /** The reply is stored under {@code seq}; {@code length} is its whole text's, so a reader can tell it missed a piece. */
    record ReplyEnd(ConversationId conversationId, MessageId messageId, long seq, Finish finish, long length)
            implements LiveSignal {
    }

    record Typing(ConversationId conversationId, Author author, boolean on) implements LiveSignal {
    }

    /** Asks the node streaming {@code messageId} to stop. */
    record CancelReply(ConversationId conversationId, MessageId messageId) implements LiveSignal {
    }
}
