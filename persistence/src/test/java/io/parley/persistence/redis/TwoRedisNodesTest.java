package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.message;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.port.EventBus;
import io.parley.core.port.ReplyStreams;
import io.parley.core.protocol.LiveSignal;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Two nodes' Redis adapters on the shared Redis under a fresh key prefix, and a new conversation: {@code node}
 * streams replies (its bus and reply streams at hand), {@code otherNode} follows from elsewhere.
 */
abstract class TwoRedisNodesTest extends SharedRedisTest {
    static final LiveSignal SUBSCRIBED = new LiveSignal.Subscribed();
    static final String NODE = "n_streaming";
    static final Duration LEASE = Duration.ofSeconds(30);

    String prefix;
    RedisAdapters node;
    RedisAdapters otherNode;
    EventBus bus;
    ReplyStreams replies;
    ConversationId c;

    @BeforeEach
    void twoNodes() {
        prefix = RedisTestSupport.randomPrefix();
        node = new RedisAdapters(client, prefix);
        otherNode = new RedisAdapters(client, prefix);
        bus = node.eventBus();
        replies = node.replyStreams();
        c = conversation();
    }

    @AfterEach
    void closeNodes() {
        node.close();
        otherNode.close();
    }

    /** A reply's origin on {@link #NODE}, answering a new question. */
    static ReplyStreams.Origin origin() {
        return new ReplyStreams.Origin(NODE, message(), "when do you open?", new BotId("b_1"));
    }
}
