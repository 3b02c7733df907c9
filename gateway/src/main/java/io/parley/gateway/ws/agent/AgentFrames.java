package io.parley.gateway.ws.agent;

import io.parley.core.model.Membership;
import io.parley.core.model.Operator;
import io.parley.core.model.Permission;
import io.parley.core.model.Workspace;
import io.parley.core.model.WorkspaceId;
import io.parley.core.protocol.BadFrameException;
import io.parley.core.protocol.ErrorCodes;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent frames this release understands: {@code hello} and {@code ping}; the other agent frame
 * types of the protocol are recognised (and answered {@code not_implemented}); anything else is a
 * {@code bad_frame}. Server frames other than {@code welcome} are encoded by the shared FrameCodec.
 */
final class AgentFrames {
    /** The error code for agent frames the protocol defines that this release does not handle yet. */
    static final String NOT_IMPLEMENTED = "not_implemented";
    static final int MAX_TOKEN_CHARS = 4096;
    private static final Set<String> LATER = Set.of("message", "typing", "cancel", "handoff", "subscribe", "join",
            "leave", "takeover", "release");
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

    /** A frame type of the protocol that is not handled yet. */
    record Later(String type) implements Frame {
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

    static Frame decode(String text) {
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

    private static BadFrameException bad(String message) {
        return new BadFrameException(ErrorCodes.BAD_FRAME, message, null);
    }
}
