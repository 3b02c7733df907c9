package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.BOT;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.delta;
import static io.parley.persistence.redis.RedisTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.ReplyStreams.Claimed;
import io.parley.core.port.ReplyStreams.LeaseLostException;
import io.parley.core.port.ReplyStreams.ReplyRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Reply leases in the shared Redis: held, renewed, fenced, expired, claimed by exactly one node, released. */
class RedisReplyLeasesTest extends SharedRedisTest {
    private static final String NODE = "n_generating";
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration CLAIM = Duration.ofSeconds(30);

    private RedisKeys keys;
    private final List<RedisAdapters> nodes = new ArrayList<>();
    private ReplyStreams replies;
    private ConversationId c;
    private MessageId m;
    private ReplyStreams.Origin origin;

    @BeforeEach
    void newNode() {
        keys = new RedisKeys(RedisTestSupport.randomPrefix());
        replies = node().replyStreams();
        c = conversation();
        m = message();
        origin = new ReplyStreams.Origin(NODE, message(), "when do you open?", new BotId("b_1"));
    }

    private RedisAdapters node() {
        RedisAdapters node = new RedisAdapters(client, keys.prefix());
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisAdapters::close);
    }

    private String member() {
        return c.value() + " " + m.value();
    }

    @Test
    void theGeneratingNodeHoldsTheLeaseAndRenewsItWhileAnotherNodeCannot() {
        replies.begin(c, m, BOT, origin, Duration.ofSeconds(3)).block(TIMEOUT);

        assertThat(admin.get(keys.replyLease(c, m))).isEqualTo(NODE);
        assertThat(admin.pttl(keys.replyLease(c, m))).isBetween(1L, 3_000L);
        assertThat(admin.zscore(keys.replyLeases(), member())).isNotNull();

        StepVerifier.create(replies.renew(c, m, NODE, Duration.ofSeconds(20))).expectNext(true).expectComplete().verify(TIMEOUT);
        assertThat(admin.pttl(keys.replyLease(c, m))).isGreaterThan(3_000L);
        StepVerifier.create(replies.renew(c, m, "n_other", Duration.ofSeconds(20))).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(replies.appendAndAnnounce(delta(c, m, 0, "x"), "n_other")).expectError(LeaseLostException.class).verify(TIMEOUT);
        assertThat(admin.get(keys.replyLease(c, m))).isEqualTo(NODE);
    }

    @Test
    void aReplyIsListedAsExpiredOnlyOnceItsLeaseRanOut() {
        replies.begin(c, m, BOT, origin, SHORT).block(TIMEOUT);
        assertThat(replies.expired(100).collectList().block(TIMEOUT)).doesNotContain(new ReplyRef(c, m));
        StepVerifier.create(replies.claim(new ReplyRef(c, m), "n_early", CLAIM)).expectComplete().verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> replies.expired(100).collectList().block(TIMEOUT).contains(new ReplyRef(c, m)));
    }

    @Test
    void ofNodesRacingToClaimAnExpiredReplyExactlyOneGetsItWithItsTextAndOrigin() {
        replies.begin(c, m, BOT, origin, SHORT).then(replies.appendAndAnnounce(delta(c, m, 0, "partial "), NODE)).block(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> admin.exists(keys.replyLease(c, m)) == 0);
        List<RedisAdapters> claimers = List.of(node(), node(), node(), node(), node(), node());

        List<Claimed> won = Flux.range(0, claimers.size())
                .flatMap(i -> Mono.defer(() -> claimers.get(i).replyStreams().claim(new ReplyRef(c, m), "n_" + i, CLAIM))
                        .subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(TIMEOUT);

        assertThat(won).singleElement().satisfies(claimed -> {
            assertThat(claimed.ref()).isEqualTo(new ReplyRef(c, m));
            assertThat(claimed.reply()).isEqualTo(new ReplyStreams.LiveReply(m, BOT, "partial "));
            assertThat(claimed.origin()).isEqualTo(origin);
        });
        String winner = admin.get(keys.replyLease(c, m));
        assertThat(winner).startsWith("n_").isNotEqualTo(NODE);
        assertThat(admin.pttl(keys.replyLease(c, m))).isGreaterThan(20_000L);
        assertThat(replies.expired(100).collectList().block(TIMEOUT)).doesNotContain(new ReplyRef(c, m));

        // the generating node, back from a pause, is fenced
        StepVerifier.create(replies.appendAndAnnounce(delta(c, m, 8, "late"), NODE)).expectError(LeaseLostException.class).verify(TIMEOUT);
        StepVerifier.create(replies.renew(c, m, NODE, SHORT)).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(replies.release(c, m, NODE)).expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aNodeWhoseLeaseRanOutUnclaimedTakesItBackOnRenewal() {
        replies.begin(c, m, BOT, origin, SHORT).block(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> admin.exists(keys.replyLease(c, m)) == 0);

        StepVerifier.create(replies.renew(c, m, NODE, Duration.ofSeconds(3))).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(replies.claim(new ReplyRef(c, m), "n_late", CLAIM)).expectComplete().verify(TIMEOUT);
        assertThat(admin.get(keys.replyLease(c, m))).isEqualTo(NODE);
    }

    @Test
    void theOnceFlagOfAnsweringAgainIsTrueForOneOfManyRacingCallers() {
        MessageId question = origin.questionId();
        List<RedisAdapters> callers = List.of(node(), node(), node(), node(), node());

        List<Boolean> answers = Flux.fromIterable(callers)
                .flatMap(n -> Mono.defer(() -> n.replyStreams().firstRetry(c, question)).subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(TIMEOUT);

        assertThat(answers).containsOnlyOnce(true).hasSize(5);
        assertThat(admin.pttl(keys.retried(c, question))).isGreaterThan(Duration.ofHours(23).toMillis());
        StepVerifier.create(replies.firstRetry(c, message())).expectNext(true).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aReleasedReplyIsExpiredAtOnceAndClaimable() {
        replies.begin(c, m, BOT, origin, Duration.ofSeconds(30)).then(replies.appendAndAnnounce(delta(c, m, 0, "half"), NODE)).block(TIMEOUT);

        StepVerifier.create(replies.release(c, m, "n_other")).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(replies.release(c, m, NODE)).expectNext(true).expectComplete().verify(TIMEOUT);

        assertThat(replies.expired(100).collectList().block(TIMEOUT)).contains(new ReplyRef(c, m));
        StepVerifier.create(replies.claim(new ReplyRef(c, m), "n_survivor", CLAIM).map(cl -> cl.reply().textSoFar()))
                .expectNext("half")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void endingForgetsTheTextAndTheIndexEntryButKeepsTheLeaseAsAFence() {
        replies.begin(c, m, BOT, origin, Duration.ofSeconds(3)).block(TIMEOUT);
        replies.end(c, m).block(TIMEOUT);

        assertThat(admin.exists(keys.replyText(c, m), keys.replyMeta(c, m))).isZero();
        assertThat(admin.zscore(keys.replyLeases(), member())).isNull();
        assertThat(admin.get(keys.replyLease(c, m))).isEqualTo(NODE);
        assertThat(admin.pttl(keys.replyLease(c, m))).isBetween(1L, 3_000L);
    }

    @Test
    void anExpiredReplyWhoseTextIsGoneIsForgottenRatherThanClaimed() {
        replies.begin(c, m, BOT, origin, SHORT).block(TIMEOUT);
        admin.del(keys.replyText(c, m), keys.replyMeta(c, m));
        await().atMost(TIMEOUT).until(() -> admin.exists(keys.replyLease(c, m)) == 0);

        StepVerifier.create(replies.claim(new ReplyRef(c, m), "n_survivor", CLAIM)).expectComplete().verify(TIMEOUT);
        assertThat(admin.zscore(keys.replyLeases(), member())).isNull();
        assertThat(admin.exists(keys.replyLease(c, m))).isZero();
    }
}
