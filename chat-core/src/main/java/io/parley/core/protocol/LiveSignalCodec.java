package io.parley.core.protocol;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The node-to-node form of {@link LiveSignal}s (JSON), for event buses between gateway nodes. */
public final class LiveSignalCodec {
    private final JsonMapper json = JsonMapper.builder().build();

    public String encode(LiveSignal signal) {
        ObjectNode node = json.createObjectNode();
        if (signal instanceof LiveSignal.Stored stored) {
            StoredEvent event = stored.event();
            node.put("k", "stored");
            node.put("c", event.conversationId().value());
            node.put("seq", event.seq());
            node.put("at", event.createdAt().toString());
            if (event instanceof StoredEvent.Message m) {
                node.put("e", "message");
                node.put("m", m.messageId().value());
                putAuthor(node, m.author());
                node.put("text", m.text());
                if (m.clientMsgId() != null) {
                    node.put("cm", m.clientMsgId());
                }
                if (m.finish() != null) {
                    node.put("finish", m.finish().wire());
                }
            } else if (event instanceof StoredEvent.Handoff h) {
                node.put("e", "handoff");
                node.put("state", h.state().wire());
                if (h.agentName() != null) {
                    node.put("agent", h.agentName());
                }
            }
        } else if (signal instanceof LiveSignal.ReplyStart s) {
            node.put("k", "reply.start");
            node.put("c", s.conversationId().value());
            node.put("m", s.messageId().value());
            putAuthor(node, s.author());
        } else if (signal instanceof LiveSignal.ReplyDelta d) {
            node.put("k", "reply.delta");
            node.put("c", d.conversationId().value());
            node.put("m", d.messageId().value());
            node.put("o", d.offset());
            node.put("text", d.text());
        } else if (signal instanceof LiveSignal.ReplyEnd e) {
            node.put("k", "reply.end");
            node.put("c", e.conversationId().value());
            node.put("m", e.messageId().value());
            node.put("seq", e.seq());
            node.put("finish", e.finish().wire());
            node.put("len", e.length());
        } else if (signal instanceof LiveSignal.Typing t) {
            node.put("k", "typing");
            node.put("c", t.conversationId().value());
            putAuthor(node, t.author());
            node.put("on", t.on());
        } else if (signal instanceof LiveSignal.CancelReply c) {
            node.put("k", "cancel");
            node.put("c", c.conversationId().value());
            node.put("m", c.messageId().value());
        } else {
            throw new IllegalArgumentException("not published between nodes: " + signal);
        }
        return json.writeValueAsString(node);
    }

    public LiveSignal decode(String text) {
        JsonNode node = json.readTree(text);
        ConversationId c = new ConversationId(node.get("c").asString());
        String kind = node.get("k").asString();
        switch (kind) {
            case "stored": {
                long seq = node.get("seq").asLong();
                Instant at = Instant.parse(node.get("at").asString());
                if ("handoff".equals(node.get("e").asString())) {
                    return new LiveSignal.Stored(new StoredEvent.Handoff(c, seq,
                            HandoffState.fromWire(node.get("state").asString()),
                            node.has("agent") ? node.get("agent").asString() : null, at));
                }
                return new LiveSignal.Stored(new StoredEvent.Message(c, seq, new MessageId(node.get("m").asString()),
                        author(node), node.get("text").asString(), at,
                        node.has("cm") ? node.get("cm").asString() : null,
                        node.has("finish") ? Finish.fromWire(node.get("finish").asString()) : null));
            }
            case "reply.start":
                return new LiveSignal.ReplyStart(c, new MessageId(node.get("m").asString()), author(node));
            case "reply.delta":
                return new LiveSignal.ReplyDelta(c, new MessageId(node.get("m").asString()), node.get("o").asLong(),
                        node.get("text").asString());
            case "reply.end":
                return new LiveSignal.ReplyEnd(c, new MessageId(node.get("m").asString()), node.get("seq").asLong(),
                        Finish.fromWire(node.get("finish").asString()), node.get("len").asLong());
            case "typing":
                return new LiveSignal.Typing(c, author(node), node.get("on").asBoolean());
            case "cancel":
                return new LiveSignal.CancelReply(c, new MessageId(node.get("m").asString()));
            default:
                throw new IllegalArgumentException("unknown live signal kind: " + kind);
        }
    }

    private static void putAuthor(ObjectNode node, Author author) {
        node.put("ar", author.role().wire());
        node.put("ai", author.id());
        node.put("an", author.name());
    }

    private static Author author(JsonNode node) {
        return new Author(AuthorRole.fromWire(node.get("ar").asString()), node.get("ai").asString(),
                node.get("an").asString());
    }
}
