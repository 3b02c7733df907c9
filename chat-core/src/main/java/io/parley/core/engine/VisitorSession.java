package io.parley.core.engine;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.Bot;
import io.parley.core.model.Conversation;
import io.parley.core.model.HandoffState;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WidgetKey;
import org.jspecify.annotations.Nullable;

/**
 * One visitor connection's state after {@code hello}. The conversation is null until the first
 * message creates it.
 */
public final class VisitorSession {
    private final WidgetKey key;
    private final VisitorId visitorId;
    private final String visitorToken;
    private final String clientAddress;
    private volatile @Nullable Conversation conversation;
    private volatile boolean humanHandling;
    private volatile Admission lastAdmission = Admission.NONE_YET;

    VisitorSession(WidgetKey key, VisitorId visitorId, String visitorToken, String clientAddress,
                   @Nullable Conversation conversation) {
        this.key = key;
        this.visitorId = visitorId;
        this.visitorToken = visitorToken;
        this.clientAddress = clientAddress;
        this.conversation = conversation;
        this.humanHandling = conversation != null && conversation.humanHandling();
    }

    public WidgetKey key() {
        return key;
    }

    public Bot bot() {
        return key.bot();
    }

    public VisitorId visitorId() {
        return visitorId;
    }

    public String visitorToken() {
        return visitorToken;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public @Nullable Conversation conversation() {
        return conversation;
    }

    void conversation(Conversation conversation) {
        this.conversation = conversation;
        this.humanHandling = conversation.humanHandling();
    }

    /** Keeps track of who answers, from the handoff events this connection relays to its visitor. */
    public void handoffSeen(HandoffState state) {
        this.humanHandling = state != HandoffState.RELEASED;
    }

    /**
     * Whether a human handles the conversation, as far as this connection has seen: a hint for starting
     * the bot's answer early, never the decision whether the bot answers.
     */
    boolean humanHandlingSeen() {
        return humanHandling;
    }

    /** What the rate limits decided on this connection's last message. */
    enum Admission {
        NONE_YET, ADMITTED, REFUSED
    }

    Admission lastAdmission() {
        return lastAdmission;
    }

    void lastAdmission(Admission admission) {
        this.lastAdmission = admission;
    }

    public Author author() {
        return new Author(AuthorRole.VISITOR, visitorId.value(), "Visitor");
    }
}
