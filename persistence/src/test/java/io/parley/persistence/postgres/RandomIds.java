package io.parley.persistence.postgres;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.VisitorId;
import io.parley.core.port.IdGenerator;

import java.util.UUID;

/** Fresh ids for every test, so that tests sharing one database never meet each other's rows. */
final class RandomIds implements IdGenerator {

    static String suffix() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    @Override
    public ConversationId conversationId() {
        return new ConversationId(ConversationId.PREFIX + suffix());
    }

    @Override
    public MessageId messageId() {
        return new MessageId(MessageId.PREFIX + suffix());
    }

    @Override
    public VisitorId visitorId() {
        return new VisitorId(VisitorId.PREFIX + suffix());
    }
}
