package io.parley.core.protocol;

import io.parley.core.identity.IdentityTokens;
import io.parley.core.model.Author;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place that decides what a frame may contain: decodes and validates client frames, encodes
 * server frames. Unknown fields are ignored so that clients may be newer than the server.
 */
public final class FrameCodec {
    public static final int DEFAULT_MAX_TEXT_CHARS = 4000;
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final JsonMapper json = JsonMapper.builder().build();
    private final int maxTextChars;

    public FrameCodec(int maxTextChars) {
        if (maxTextChars < 1) {
            throw new IllegalArgumentException("maxTextChars must be positive");
        }
        this.maxTextChars = maxTextChars;
    }

    public FrameCodec() {
        this(DEFAULT_MAX_TEXT_CHARS);
    }

    /** Decodes a visitor's frame or throws {@link BadFrameException} saying what is wrong with it. */
    public ClientFrame decodeVisitorFrame(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            throw bad("not valid JSON: " + firstLine(e.getOriginalMessage()), null);
        }
        if (node == null || !node.isObject()) {
            throw bad("a frame must be a JSON object", null);
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isString()) {
            throw bad("missing field 'type' (a string)", null);
        }
        switch (type.asString()) {
            case "hello":
                return new ClientFrame.Hello(optionalString(node, "visitorToken", null),
                        optionalConversationId(node), optionalSeq(node, "lastSeq"), identityToken(node));
            case "message":
                return message(node);
            case "typing":
                return new ClientFrame.Typing(requiredBoolean(node, "on"));
            case "cancel": {
                String id = requiredString(node, "messageId", null);
                if (!MessageId.isValid(id)) {
                    throw bad("'messageId' is not a message id (m_…)", null);
                }
                return new ClientFrame.Cancel(new MessageId(id));
            }
            case "handoff":
                return new ClientFrame.Handoff();
            case "ping":
                return new ClientFrame.Ping(node.get("t"));
            default:
                throw bad("unknown frame type '" + abbreviate(type.asString()) + "'", null);
        }
    }

    private ClientFrame.PostMessage message(JsonNode node) {
        JsonNode idNode = node.get("clientMsgId");
        String clientMsgId = idNode != null && idNode.isString() ? idNode.asString() : null;
        if (clientMsgId == null || !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            throw bad("'clientMsgId' must be 1 to 64 of A-Z a-z 0-9 _ -", null);
        }
        String text = requiredString(node, "text", clientMsgId);
        int chars = text.codePointCount(0, text.length());
        if (chars == 0 || text.isBlank()) {
            throw bad("'text' must not be empty", clientMsgId);
        }
        if (text.indexOf('\u0000') >= 0) {
            throw bad("'text' must not contain the NUL character (U+0000)", clientMsgId);
        }
        if (chars > maxTextChars) {
            throw new BadFrameException(ErrorCodes.MESSAGE_TOO_LONG,
                    "'text' has " + chars + " characters; at most " + maxTextChars + " are allowed", clientMsgId);
        }
        return new ClientFrame.PostMessage(clientMsgId, text);
    }

    public String encode(ServerFrame frame) {
        if (frame instanceof ServerFrame.Prepared prepared) {
            return prepared.json();
        }
        ObjectNode node = json.createObjectNode();
        if (frame instanceof ServerFrame.Welcome w) {
            node.put("type", "welcome");
            node.put("visitorId", w.visitorId().value());
            node.put("visitorToken", w.visitorToken());
            node.put("conversationId", w.conversationId() == null ? null : w.conversationId().value());
            node.put("lastSeq", w.lastSeq());
            node.put("heartbeatMs", w.heartbeatMs());
            ObjectNode bot = node.putObject("bot");
            bot.put("name", w.botName());
            bot.put("greeting", w.greeting());
        } else if (frame instanceof ServerFrame.Ack a) {
            node.put("type", "ack");
            node.put("clientMsgId", a.clientMsgId());
            node.put("messageId", a.messageId().value());
            node.put("conversationId", a.conversationId().value());
            node.put("seq", a.seq());
        } else if (frame instanceof ServerFrame.Message m) {
            node.put("type", "message");
            node.put("seq", m.seq());
            node.put("messageId", m.messageId().value());
            node.put("conversationId", m.conversationId().value());
            putAuthor(node, m.author());
            node.put("text", m.text());
            node.put("createdAt", m.createdAt().toString());
        } else if (frame instanceof ServerFrame.ReplyStart s) {
            node.put("type", "reply.start");
            node.put("messageId", s.messageId().value());
            node.put("conversationId", s.conversationId().value());
            putAuthor(node, s.author());
        } else if (frame instanceof ServerFrame.ReplyDelta d) {
            node.put("type", "reply.delta");
            node.put("messageId", d.messageId().value());
            node.put("conversationId", d.conversationId().value());
            node.put("text", d.text());
        } else if (frame instanceof ServerFrame.ReplyEnd e) {
            node.put("type", "reply.end");
            node.put("messageId", e.messageId().value());
            node.put("conversationId", e.conversationId().value());
            node.put("seq", e.seq());
            node.put("finish", e.finish().wire());
        } else if (frame instanceof ServerFrame.Handoff h) {
            node.put("type", "handoff");
            node.put("seq", h.seq());
            node.put("conversationId", h.conversationId().value());
            node.put("state", h.state().wire());
            if (h.agentName() != null) {
                node.putObject("agent").put("name", h.agentName());
            }
        } else if (frame instanceof ServerFrame.Typing t) {
            node.put("type", "typing");
            node.put("conversationId", t.conversationId().value());
            putAuthor(node, t.author());
            node.put("on", t.on());
        } else if (frame instanceof ServerFrame.Error e) {
            node.put("type", "error");
            node.put("code", e.code());
            node.put("message", e.message());
            if (e.clientMsgId() != null) {
                node.put("clientMsgId", e.clientMsgId());
            }
            if (e.retryAfterMs() != null) {
                node.put("retryAfterMs", e.retryAfterMs());
            }
        } else if (frame instanceof ServerFrame.Pong p) {
            node.put("type", "pong");
            if (p.t() != null) {
                node.set("t", p.t());
            }
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
        return json.writeValueAsString(node);
    }

    private static void putAuthor(ObjectNode node, Author author) {
        ObjectNode a = node.putObject("author");
        a.put("role", author.role().wire());
        a.put("id", author.id());
        a.put("name", author.name());
    }

    private static @Nullable ConversationId optionalConversationId(JsonNode node) {
        String id = optionalString(node, "conversationId", null);
        if (id == null) {
            return null;
        }
        if (!ConversationId.isValid(id)) {
            throw bad("'conversationId' is not a conversation id (c_…)", null);
        }
        return new ConversationId(id);
    }

    private static @Nullable Long optionalSeq(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw bad("'" + field + "' must be a whole number ≥ 0", null);
        }
        return value.asLong();
    }

    private static @Nullable String identityToken(JsonNode node) {
        String token = optionalString(node, "identityToken", null);
        if (token != null && (token.isEmpty() || token.length() > IdentityTokens.MAX_TOKEN_CHARS)) {
            throw bad("'identityToken' must have 1 to " + IdentityTokens.MAX_TOKEN_CHARS + " characters", null);
        }
        return token;
    }

    private static @Nullable String optionalString(JsonNode node, String field, @Nullable String clientMsgId) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw bad("'" + field + "' must be a string", clientMsgId);
        }
        return value.asString();
    }

    private static String requiredString(JsonNode node, String field, @Nullable String clientMsgId) {
        String value = optionalString(node, field, clientMsgId);
        if (value == null) {
            throw bad("missing field '" + field + "' (a string)", clientMsgId);
        }
        return value;
    }

    private static boolean requiredBoolean(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw bad("missing field '" + field + "' (true or false)", null);
        }
        return value.asBoolean();
    }

    private static BadFrameException bad(String message, @Nullable String clientMsgId) {
        return new BadFrameException(ErrorCodes.BAD_FRAME, message, clientMsgId);
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
