package io.parley.gateway.api.conversations;

import io.parley.core.model.ConversationRecord;
import io.parley.core.model.StoredEvent;
import io.parley.gateway.api.VisitorViews;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Conversations and their stored events as REST bodies and exports send them; events have the shape of
 * the protocol's stored events. {@code shown}: whether the caller sees visitors' personal data.
 */
public final class ConversationViews {

    private ConversationViews() {
    }

    public record Item(String id, String botId, String visitorId, String state, boolean humanHandling,
                       Instant createdAt, @Nullable Instant closedAt, long lastSeq, VisitorViews.Summary visitor) {
    }

    /** A conversation with (a page of) its events; {@code nextAfterSeq} is null when no event follows. */
    public record Detail(String id, String botId, String visitorId, String state, boolean humanHandling,
                         Instant createdAt, @Nullable Instant closedAt, long lastSeq, VisitorViews.Summary visitor,
                         List<Event> events, @Nullable Long nextAfterSeq) {
    }

    /** A stored event: {@link Message} or {@link Handoff}, told apart by {@code type}. */
    public sealed interface Event permits Message, Handoff {
        String type();

        long seq();
    }

    public record Author(String role, String id, String name) {
    }

    public record Message(String type, long seq, String messageId, Author author, String text, Instant createdAt,
                          @Nullable String finish) implements Event {
    }

    public record Agent(String name) {
    }

    public record Handoff(String type, long seq, String state, @Nullable Agent agent, Instant createdAt)
            implements Event {
    }

    public static Item item(ConversationRecord conversation, boolean shown) {
        return new Item(conversation.id().value(), conversation.botId().value(), conversation.visitor().id().value(),
                conversation.state().wire(), conversation.humanHandling(), conversation.createdAt(),
                conversation.closedAt(), conversation.lastSeq(), VisitorViews.summary(conversation.visitor(), shown));
    }

    public static Detail detail(ConversationRecord conversation, List<StoredEvent> events, @Nullable Long nextAfterSeq,
                                boolean shown) {
        Item item = item(conversation, shown);
        return new Detail(item.id(), item.botId(), item.visitorId(), item.state(), item.humanHandling(),
                item.createdAt(), item.closedAt(), item.lastSeq(), item.visitor(),
                events.stream().map(event -> event(event, shown)).toList(), nextAfterSeq);
    }

    public static Event event(StoredEvent event, boolean shown) {
        if (event instanceof StoredEvent.Message message) {
            return new Message("message", message.seq(), message.messageId().value(),
                    new Author(message.author().role().wire(), message.author().id(),
                            VisitorViews.authorName(message.author(), shown)),
                    message.text(), message.createdAt(), message.finish() == null ? null : message.finish().wire());
        }
        StoredEvent.Handoff handoff = (StoredEvent.Handoff) event;
        return new Handoff("handoff", handoff.seq(), handoff.state().wire(),
                handoff.agentName() == null ? null : new Agent(handoff.agentName()), handoff.createdAt());
    }
}
