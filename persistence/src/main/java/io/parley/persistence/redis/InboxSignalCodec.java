package io.parley.persistence.redis;

import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.VisitorId;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.InboxBus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The node-to-node form (JSON) of inbox signals; summaries travel unmasked, as message texts do. */
final class InboxSignalCodec {
    private final JsonMapper json = JsonMapper.builder().build();

    String encode(InboxBus.Signal signal) {
        ObjectNode node = json.createObjectNode();
        if (signal instanceof InboxBus.Signal.PresenceChanged) {
            node.put("k", "presence");
        } else if (signal instanceof InboxBus.Signal.Changed changed) {
            ConversationSummary s = changed.summary();
            node.put("k", "changed");
            node.put("c", s.id().value());
            node.put("w", s.workspaceId().value());
            node.put("b", s.botId().value());
            node.put("seq", s.lastSeq());
            node.put("human", s.humanHandling());
            node.put("at", s.updatedAt().toString());
            putNullable(node, "handoff", s.handoff() == null ? null : s.handoff().wire());
            putNullable(node, "agent", s.agentName());
            VisitorRecord v = s.visitor();
            ObjectNode visitor = node.putObject("v");
            visitor.put("id", v.id().value());
            visitor.put("w", v.workspaceId().value());
            visitor.put("at", v.createdAt().toString());
            visitor.put("verified", v.verified());
            putNullable(visitor, "externalId", v.externalId());
            putNullable(visitor, "email", v.email());
            putNullable(visitor, "name", v.name());
            putNullable(visitor, "phone", v.phone());
            putNullable(visitor, "ip", v.ipAddress());
            ConversationSummary.LastMessage m = s.lastMessage();
            if (m != null) {
                node.putObject("m").put("role", m.role().wire()).put("name", m.authorName()).put("text", m.text())
                        .put("at", m.createdAt().toString());
            }
        } else {
            throw new IllegalArgumentException("not published: " + signal);
        }
        return json.writeValueAsString(node);
    }

    InboxBus.Signal decode(String text) {
        JsonNode node = json.readTree(text);
        String kind = node.required("k").asString();
        if ("presence".equals(kind)) {
            return new InboxBus.Signal.PresenceChanged();
        }
        if (!"changed".equals(kind)) {
            throw new IllegalArgumentException("unknown inbox signal kind");
        }
        JsonNode v = node.required("v");
        VisitorRecord visitor = new VisitorRecord(new VisitorId(v.required("id").asString()),
                new WorkspaceId(v.required("w").asString()), Instant.parse(v.required("at").asString()),
                v.required("verified").asBoolean(), nullable(v, "externalId"), nullable(v, "email"),
                nullable(v, "name"), nullable(v, "phone"), nullable(v, "ip"));
        JsonNode m = node.get("m");
        ConversationSummary.LastMessage last = m == null || m.isNull() ? null : new ConversationSummary.LastMessage(
                AuthorRole.fromWire(m.required("role").asString()), m.required("name").asString(),
                m.required("text").asString(), Instant.parse(m.required("at").asString()));
        String handoff = nullable(node, "handoff");
        return new InboxBus.Signal.Changed(new ConversationSummary(new ConversationId(node.required("c").asString()),
                new WorkspaceId(node.required("w").asString()), new BotId(node.required("b").asString()), visitor,
                node.required("seq").asLong(), last, node.required("human").asBoolean(),
                handoff == null ? null : HandoffState.fromWire(handoff), nullable(node, "agent"),
                Instant.parse(node.required("at").asString())));
    }

    private static void putNullable(ObjectNode node, String field, @Nullable String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static @Nullable String nullable(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
