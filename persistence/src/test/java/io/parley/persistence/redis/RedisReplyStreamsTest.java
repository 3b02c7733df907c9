package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.BOT;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.delta;
import static io.parley.persistence.redis.RedisTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.ReplyStreams.LiveReply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class RedisReplyStreamsTest extends SharedRedisTest {
    static final String NODE = "n_test";
    static final Duration LEASE = Duration.ofSeconds(3);
    static final ReplyStreams.Origin ORIGIN = new ReplyStreams.Origin(NODE, message(), "the question?",
            new BotId("b_1"));
    private RedisKeys keys;
    private RedisAdapters node;
    private ReplyStreams replies;

    @BeforeEach
    void newNode() {
        keys = new RedisKeys(RedisTestSupport.randomPrefix());
        node = new RedisAdapters(client, keys.prefix());
        replies = node.replyStreams();
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void beginAppendLiveEndCountsNonAsciiTextInJavaChars() {
        ConversationId c = conversation();
        MessageId m = message();

        StepVerifier.create(replies.begin(c, m, BOT, ORIGIN, LEASE)
                        .then(replies.appendAndAnnounce(delta(c, m, 0, "héllo "), NODE))
                        .concatWith(replies.appendAndAnnounce(delta(c, m, 6, "👋"), NODE))
                        .concatWith(replies.appendAndAnnounce(delta(c, m, 8, ""), NODE)))
                .expectNext(6L, 8L, 8L)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat("héllo 👋").hasSize(8);

        StepVerifier.create(replies.live(c))
                .expectNext(new LiveReply(m, BOT, "héllo 👋"))
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(replies.end(c, m).thenMany(replies.live(c)))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(admin.exists(keys.replyText(c, m), keys.replyMeta(c, m), keys.liveReplies(c))).isZero();
        assertThat(admin.zscore(keys.replyLeases(), c.value() + " " + m.value())).isNull();
    }

    @Test
    void liveListsOnlyTheConversationsOwnRepliesEachWithItsAuthor() {
        ConversationId c = conversation();
        ConversationId other = conversation();
        MessageId first = message();
        MessageId second = message();
        Author agentBot = new Author(AuthorRole.BOT, "b_2", "Grace \"G\" Hopper");

        StepVerifier.create(replies.begin(c, first, BOT, ORIGIN, LEASE)
                        .then(replies.begin(c, second, agentBot, ORIGIN, LEASE))
                        .then(replies.begin(other, message(), BOT, ORIGIN, LEASE))
                        .then(replies.appendAndAnnounce(delta(c, first, 0, "one"), NODE))
                        .then(replies.appendAndAnnounce(delta(c, second, 0, "two"), NODE))
                        .thenMany(replies.live(c))
                        .collectList())
                .assertNext(live -> assertThat(live).containsExactlyInAnyOrder(
                        new LiveReply(first, BOT, "one"), new LiveReply(second, agentBot, "two")))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void everyKeyOfALiveReplyHasTheTtlAndAppendRefreshesIt() {
        ConversationId c = conversation();
        MessageId m = message();
        String[] replyKeys = {keys.replyText(c, m), keys.replyMeta(c, m), keys.liveReplies(c)};

        replies.begin(c, m, BOT, ORIGIN, LEASE).block(TIMEOUT);
        for (String key : replyKeys) {
            assertThat(admin.pttl(key)).as(key).isBetween(Duration.ofMinutes(9).toMillis(),
                    RedisReplyStreams.DEFAULT_TTL.toMillis());
            admin.pexpire(key, 5_000);
        }

        replies.appendAndAnnounce(delta(c, m, 0, "more"), NODE).block(TIMEOUT);
        for (String key : replyKeys) {
            assertThat(admin.pttl(key)).as(key).isGreaterThan(Duration.ofMinutes(9).toMillis());
        }
    }

    @Test
    void liveSkipsAndForgetsAReplyWhoseTextExpired() {
        ConversationId c = conversation();
        MessageId expired = message();
        MessageId alive = message();
        replies.begin(c, expired, BOT, ORIGIN, LEASE).then(replies.begin(c, alive, BOT, ORIGIN, LEASE)).block(TIMEOUT);
        admin.pexpire(keys.replyText(c, expired), 1);
        await().atMost(TIMEOUT).until(() -> admin.exists(keys.replyText(c, expired)) == 0);

        StepVerifier.create(replies.live(c))
                .expectNext(new LiveReply(alive, BOT, ""))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(admin.sismember(keys.liveReplies(c), expired.value())).isFalse();
    }

    @Test
    void appendToAReplyThatWasNeverBegunOrHasEndedErrors() {
        ConversationId c = conversation();
        MessageId m = message();
        StepVerifier.create(replies.appendAndAnnounce(delta(c, m, 0, "x"), NODE))
                .expectError(IllegalStateException.class)
                .verify(TIMEOUT);
        StepVerifier.create(replies.begin(c, m, BOT, ORIGIN, LEASE).then(replies.end(c, m)).then(replies.appendAndAnnounce(delta(c, m, 0, "x"), NODE)))
                .expectError(IllegalStateException.class)
                .verify(TIMEOUT);
        assertThat(admin.exists(keys.replyText(c, m), keys.replyMeta(c, m))).isZero();
    }

    @Test
    void beginningAgainStartsTheReplyOverEmpty() {
        ConversationId c = conversation();
        MessageId m = message();
        StepVerifier.create(replies.begin(c, m, BOT, ORIGIN, LEASE)
                        .then(replies.appendAndAnnounce(delta(c, m, 0, "lost"), NODE))
                        .then(replies.begin(c, m, BOT, ORIGIN, LEASE))
                        .then(replies.appendAndAnnounce(delta(c, m, 0, "ab"), NODE)))
                .expectNext(2L)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
