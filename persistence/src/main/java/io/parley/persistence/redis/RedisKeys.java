package io.parley.persistence.redis;

import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.model.WorkspaceId;

/**
 * The key layout. Everything about a conversation carries its id as a hash tag ({@code {c_…}}) so
 * that it shares one Redis Cluster slot, which the multi-key scripts need.
 */
record RedisKeys(String prefix) {

    RedisKeys {
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("the key prefix must not contain braces (hash tags): " + prefix);
        }
    }

    String events(ConversationId conversationId) {
        return tagged(conversationId) + ":events";
    }

    String replyText(ConversationId conversationId, MessageId messageId) {
        return tagged(conversationId) + ":reply:" + messageId.value();
    }

    String replyMeta(ConversationId conversationId, MessageId messageId) {
        return replyText(conversationId, messageId) + ":meta";
    }

    String replyLease(ConversationId conversationId, MessageId messageId) {
        return replyText(conversationId, messageId) + ":lease";
    }

    /** The once-flag of answering a question again after its reply was taken over. */
    String retried(ConversationId conversationId, MessageId questionId) {
        return tagged(conversationId) + ":retried:" + questionId.value();
    }

    /**
     * The index of every live reply's lease, across conversations (its own slot: it is only a hint
     * where to look; each decision is taken on the reply's own keys).
     */
    String replyLeases() {
        return prefix + "{replies}:leases";
    }

    String liveReplies(ConversationId conversationId) {
        return tagged(conversationId) + ":replies";
    }

    /** Pub/sub channel of a workspace's inbox updates and presence changes. */
    String inbox(WorkspaceId workspace) {
        return prefix + "{" + workspace.value() + "}:inbox";
    }

    /** Pub/sub channel of every bot's settings changes (the payload is {@code {"bot":"<id>"}}). */
    String botChanges() {
        return prefix + "{bots}:changes";
    }

    /** Sorted set of a workspace's open agent sockets, scored with their expiry. */
    String presence(WorkspaceId workspace) {
        return prefix + "{" + workspace.value() + "}:agents";
    }

    /**
     * One rate-limit window of a group; the group is the hash tag, so that one decision can span the
     * group's windows. A key that is its own group keeps the short name {@code <p>{key}:rl}.
     */
    String rateLimit(String group, String key) {
        return group.equals(key) ? prefix + "{" + key + "}:rl" : prefix + "{" + group + "}:rl:" + key;
    }

    /** A CLIENT SETNAME value (no spaces or control characters) that tells this prefix's connections apart. */
    String pendingLogin(String id) {
        return prefix + "{login:" + id + "}";
    }

    /** Who holds one run of a job across nodes (string with a TTL). */
    String jobClaim(String run) {
        return prefix + "{job:" + run + "}:claim";
    }

    String clientName(String role) {
        StringBuilder name = new StringBuilder(prefix.length() + role.length());
        (prefix + role).chars().forEach(ch -> name.append(ch > ' ' && ch <= '~' ? (char) ch : '_'));
        return name.toString();
    }

    private String tagged(ConversationId conversationId) {
        return prefix + "{" + conversationId.value() + "}";
    }
}
