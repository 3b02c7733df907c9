package io.parley.core.port;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.VisitorId;

public interface IdGenerator {
    ConversationId conversationId();

    MessageId messageId();

    VisitorId visitorId();
}
