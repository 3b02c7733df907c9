package io.parley.persistence.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

/** The Redis the tests run against (PARLEY_REDIS_HOST / PARLEY_REDIS_PORT) and a few helpers. */
final class RedisTestSupport {
    static final String HOST = env("PARLEY_REDIS_HOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(env("PARLEY_REDIS_PORT", "6379"));
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Author BOT = new Author(AuthorRole.BOT, "b_1", "Ada");
    static final Author VISITOR = new Author(AuthorRole.VISITOR, "v_1", "Visitor");

    private RedisTestSupport() {
    }

    static RedisClient client() {
        return RedisClient.create(RedisURI.create(HOST, PORT));
    }

    /** A client whose connections are refused: nothing listens on port 1 of the loopback. */
    static RedisClient unreachableClient() {
        RedisURI uri = RedisURI.create("127.0.0.1", 1);
        uri.setTimeout(Duration.ofSeconds(1));
        return RedisClient.create(uri);
    }

    static String randomPrefix() {
        return "parley:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static ConversationId conversation() {
        return new ConversationId("c_" + UUID.randomUUID().toString().replace("-", ""));
    }

    static MessageId message() {
        return new MessageId("m_" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** A piece of reply {@code m} of {@code c} that starts at {@code offset}. */
    static LiveSignal.ReplyDelta delta(ConversationId c, MessageId m, long offset, String text) {
        return new LiveSignal.ReplyDelta(c, m, offset, text);
    }

    /** The id of the server-side client named {@code name}, or -1. */
    static long clientId(RedisCommands<String, String> admin, String name) {
        return Arrays.stream(admin.clientList().split("\n"))
                .filter(line -> line.contains(" name=" + name + " "))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf("id=") + 3, line.indexOf(' '))))
                .findFirst().orElse(-1);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
