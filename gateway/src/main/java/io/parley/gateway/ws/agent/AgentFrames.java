package io.parley.gateway.ws.agent;

import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.Permission;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import io.parley.core.protocol.BadFrameException;
import io.parley.core.protocol.ErrorCodes;
import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.MessageId;
import io.parley.core.model.OnlineAgent;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.FrameCodec;
import io.parley.gateway.api.VisitorViews;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent frames: {@code hello}, {@code ping}, {@code subscribe}, {@code join}, {@code leave},
 * {@code message}, {@code typing}, {@code cancel}, {@code takeover}, {@code release}; {@code handoff} is
 * recognised and answered {@code not_implemented} (agents take over instead); anything else is a
 * {@code bad_frame}. The frames that visitors send too are validated by the shared FrameCodec, so
 * both sides follow one set of rules. Agent-only server frames (welcome, inbox, presence) are
 * written here; the rest by FrameCodec.
 */
final class AgentFrames {
    /** The error code for agent frames the protocol defines that this release does not handle yet. */
    static final String NOT_IMPLEMENTED = "not_implemented";
    static final int MAX_TOKEN_CHARS = 4096;
    /** The error code for a join past the per-socket bound of joined conversations. */
    static final String TOO_MANY_JOINED = "too_many_joined";
    private static final Set<String> LATER = Set.of("handoff");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AgentFrames() {
    }

    sealed interface Frame {
    }

    record Hello(String accessToken, @Nullable WorkspaceId workspaceId) implements Frame {
        @Override
        public String toString() {
            return "Hello[workspaceId=" + workspaceId + "]"; // never log the token
        }
    }

    record Ping(@Nullable JsonNode t) implements Frame {
    }

    /** A frame type of the protocol that is not handled on this socket. */
    record Later(String type) implements Frame {
    }

    /** A frame about one conversation, or the inbox; {@link #type()} names its permission. */
    sealed interface Request extends Frame {
        String type();
    }

    /** {@code inbox: true} subscribes to the workspace's inbox, {@code false} ends the subscription. */
    record Subscribe(boolean inbox) implements Request {
        @Override
        public String type() {
            return "subscribe";
        }
    }

    record Join(ConversationId conversationId, long lastSeq) implements Request {
        @Override
        public String type() {
            return "join";
        }
    }

    record Leave(ConversationId conversationId) implements Request {
        @Override
        public String type() {
            return "leave";
        }
    }

    record Message(ConversationId conversationId, ClientFrame.PostMessage message) implements Request {
        @Override
        public String type() {
            return "message";
        }
    }

    record Typing(ConversationId conversationId, boolean on) implements Request {
        @Override
        public String type() {
            return "typing";
        }
    }

    record Cancel(ConversationId conversationId, MessageId messageId) implements Request {
        @Override
        public String type() {
            return "cancel";
        }
    }

    record Takeover(ConversationId conversationId) implements Request {
        @Override
        public String type() {
            return "takeover";
        }
    }

    record Release(ConversationId conversationId) implements Request {
        @Override
        public String type() {
            return "release";
        }
    }

    /**
     * The permission each agent frame needs (the matrix of {@link Permission}): reading frames need
     * conversations.read, frames that speak or change a conversation need conversations.write.
     */
    static Permission permissionFor(String type) {
        return switch (type) {
            case "subscribe", "join", "leave" -> Permission.CONVERSATIONS_READ;
            default -> Permission.CONVERSATIONS_WRITE;
        };
    }

    static Frame decode(String text, FrameCodec codec) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw bad("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw bad("a frame must be a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isString()) {
            throw bad("missing field 'type' (a string)");
        }
        String name = type.asString();
        if ("hello".equals(name)) {
            JsonNode token = node.get("accessToken");
            if (token == null || !token.isString() || token.asString().isBlank()) {
                throw bad("missing field 'accessToken' (a string)");
            }
            if (token.asString().length() > MAX_TOKEN_CHARS) {
                throw bad("'accessToken' is too long");
            }
            JsonNode workspace = node.get("workspaceId");
            WorkspaceId workspaceId = null;
            if (workspace != null && !workspace.isNull()) {
                if (!workspace.isString() || !WorkspaceId.isValid(workspace.asString())) {
                    throw bad("'workspaceId' is not a workspace id (w_…)");
                }
                workspaceId = new WorkspaceId(workspace.asString());
            }
            return new Hello(token.asString(), workspaceId);
        }
        if ("ping".equals(name)) {
            return new Ping(node.get("t"));
        }
        if (LATER.contains(name)) {
            return new Later(name);
        }
        switch (name) {
            case "subscribe": {
                JsonNode inbox = node.get("inbox");
                if (inbox == null || !inbox.isBoolean()) {
                    throw bad("missing field 'inbox' (true or false)");
                }
                return new Subscribe(inbox.asBoolean());
            }
            case "join": {
                JsonNode lastSeq = node.get("lastSeq");
                long seq = 0;
                if (lastSeq != null && !lastSeq.isNull()) {
                    if (!lastSeq.isIntegralNumber() || !lastSeq.canConvertToLong() || lastSeq.asLong() < 0) {
                        throw bad("'lastSeq' must be a whole number ≥ 0");
                    }
                    seq = lastSeq.asLong();
                }
                return new Join(conversationId(node, null), seq);
            }
            case "leave":
                return new Leave(conversationId(node, null));
            case "takeover":
                return new Takeover(conversationId(node, null));
            case "release":
                return new Release(conversationId(node, null));
            case "message": {
                // the codec checks clientMsgId and text first, so its errors name the clientMsgId
                ClientFrame.PostMessage message = (ClientFrame.PostMessage) codec.decodeVisitorFrame(text);
                return new Message(conversationId(node, message.clientMsgId()), message);
            }
            case "typing": {
                ClientFrame.Typing typing = (ClientFrame.Typing) codec.decodeVisitorFrame(text);
                return new Typing(conversationId(node, null), typing.on());
            }
            case "cancel": {
                ClientFrame.Cancel cancel = (ClientFrame.Cancel) codec.decodeVisitorFrame(text);
                return new Cancel(conversationId(node, null), cancel.messageId());
            }
            default:
                break;
        }
        throw bad("unknown frame type '" + (name.length() <= 40 ? name : name.substring(0, 40) + "…") + "'");
    }

    static String welcome(Operator operator, Membership membership, Workspace workspace, long heartbeatMs) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "welcome");
        node.put("operatorId", operator.id().value());
        node.put("name", operator.displayName());
        node.put("role", membership.role().wire());
        node.putObject("workspace").put("id", workspace.id().value()).put("name", workspace.name());
        node.put("heartbeatMs", heartbeatMs);
        return JSON.writeValueAsString(node);
    }

    private static ConversationId conversationId(JsonNode node, @Nullable String clientMsgId) {
        JsonNode id = node.get("conversationId");
        if (id == null || !id.isString()) {
            throw new BadFrameException(ErrorCodes.BAD_FRAME, "missing field 'conversationId' (a string)", clientMsgId);
        }
        if (!ConversationId.isValid(id.asString())) {
            throw new BadFrameException(ErrorCodes.BAD_FRAME, "'conversationId' is not a conversation id (c_…)",
                    clientMsgId);
        }
        return new ConversationId(id.asString());
    }

    /** The inbox snapshot: the conversations, their visitors masked unless {@code shown}. */
    static String inbox(List<ConversationSummary> conversations, boolean shown) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "inbox");
        ArrayNode list = node.putArray("conversations");
        conversations.forEach(summary -> putSummary(list.addObject(), summary, shown));
        return JSON.writeValueAsString(node);
    }

    static String inboxUpdate(ConversationSummary summary, boolean shown) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "inbox.update");
        putSummary(node.putObject("conversation"), summary, shown);
        return JSON.writeValueAsString(node);
    }

    static String presence(List<OnlineAgent> agents) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "presence");
        ArrayNode list = node.putArray("agents");
        agents.forEach(agent -> list.addObject().put("operatorId", agent.operatorId().value()).put("name", agent.name()));
        return JSON.writeValueAsString(node);
    }

    private static void putSummary(ObjectNode node, ConversationSummary summary, boolean shown) {
        node.put("conversationId", summary.id().value());
        node.put("botId", summary.botId().value());
        VisitorViews.Summary visitor = VisitorViews.summary(summary.visitor(), shown);
        ObjectNode v = node.putObject("visitor");
        v.put("id", visitor.id());
        v.put("verified", visitor.verified());
        v.put("name", visitor.name());
        v.put("email", visitor.email());
        node.put("lastSeq", summary.lastSeq());
        ConversationSummary.LastMessage last = summary.lastMessage();
        if (last == null) {
            node.putNull("lastMessage");
        } else {
            Author author = new Author(last.role(), "", last.authorName());
            node.putObject("lastMessage")
                    .put("role", last.role().wire())
                    .put("authorName", VisitorViews.authorName(author, shown))
                    .put("text", last.text())
                    .put("createdAt", last.createdAt().toString());
        }
        node.put("humanHandling", summary.humanHandling());
        if (summary.handoff() == null) {
            node.putNull("handoff");
        } else {
            ObjectNode handoff = node.putObject("handoff").put("state", summary.handoff().wire());
            if (summary.agentName() != null) {
                handoff.putObject("agent").put("name", summary.agentName());
            }
        }
        node.put("updatedAt", summary.updatedAt().toString());
    }

    private static BadFrameException bad(String message) {
        return new BadFrameException(ErrorCodes.BAD_FRAME, message, null);
    }
}
