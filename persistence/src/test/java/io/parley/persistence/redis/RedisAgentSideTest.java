package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.HandoffState;
import io.parley.core.model.OnlineAgent;
import io.parley.core.model.OperatorId;
import io.parley.core.model.VisitorId;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.InboxBus;
import io.parley.core.port.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The inbox channel and presence on a real Redis, as two nodes (two adapter sets, one prefix) see them. */
class RedisAgentSideTest extends SharedRedisTest {
    private static final WorkspaceId WORKSPACE = new WorkspaceId("w_redis_desk");
    private RedisAdapters nodeA;
    private RedisAdapters nodeB;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T10:00:00Z"));

    @BeforeEach
    void twoNodes() {
        String prefix = RedisTestSupport.randomPrefix();
        nodeA = new RedisAdapters(client, prefix);
        nodeB = new RedisAdapters(client, prefix);
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aSummaryPublishedOnOneNodeReachesTheWorkspacesSubscribersOnAnotherWhole() {
        ConversationSummary summary = new ConversationSummary(new ConversationId("c_desk1"), WORKSPACE,
                new BotId("b_desk"), new VisitorRecord(new VisitorId("v_desk"), WORKSPACE,
                Instant.parse("2026-11-29T09:00:00.123456Z"), true, "ext-1", "jane@example.com", "Jane", null, "203.0.113.9"),
                7, new ConversationSummary.LastMessage(AuthorRole.AGENT, "Ada", "On it — “quoted” ✓",
                Instant.parse("2026-11-29T09:30:00Z")), true, HandoffState.ASSIGNED, "Ada",
                Instant.parse("2026-11-29T09:30:00Z"));
        InboxBus.Signal changed = new InboxBus.Signal.Changed(summary);

        StepVerifier.create(nodeB.inboxBus().subscribe(WORKSPACE))
                .expectNext(new InboxBus.Signal.Subscribed())
                .then(() -> nodeA.inboxBus().publish(new WorkspaceId("w_other_desk"), changed).block(TIMEOUT))
                .then(() -> nodeA.inboxBus().publish(WORKSPACE, changed).block(TIMEOUT))
                .then(() -> nodeA.inboxBus().publish(WORKSPACE, new InboxBus.Signal.PresenceChanged()).block(TIMEOUT))
                .expectNext(changed)
                .expectNext(new InboxBus.Signal.PresenceChanged())
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void anInboxIsWatchedFromItsFirstConfirmedSubscriberOnAnyNodeUntilTheLastLeaves() {
        assertThat(nodeA.inboxBus().watched(WORKSPACE).block(TIMEOUT)).isFalse();

        BlockingQueue<InboxBus.Signal> first = new LinkedBlockingQueue<>();
        BlockingQueue<InboxBus.Signal> second = new LinkedBlockingQueue<>();
        Disposable one = nodeB.inboxBus().subscribe(WORKSPACE).subscribe(first::add);
        Disposable two = nodeB.inboxBus().subscribe(WORKSPACE).subscribe(second::add);
        try {
            await().atMost(TIMEOUT).until(() -> !first.isEmpty() && !second.isEmpty());
            assertThat(nodeA.inboxBus().watched(WORKSPACE).block(TIMEOUT)).as("seen from another node").isTrue();
            assertThat(nodeA.inboxBus().watched(new WorkspaceId("w_other_desk")).block(TIMEOUT)).isFalse();

            one.dispose();
            assertThat(nodeA.inboxBus().watched(WORKSPACE).block(TIMEOUT)).as("one subscriber left").isTrue();
        } finally {
            one.dispose();
            two.dispose();
        }
        await().atMost(TIMEOUT).until(() -> !nodeA.inboxBus().watched(WORKSPACE).block(TIMEOUT));
    }

    @Test
    void presenceListsEachOperatorOnceAcrossNodesAndDropsExpiredAndLeftSockets() {
        Presence onA = nodeA.presence(now::get);
        Presence onB = nodeB.presence(now::get);
        OnlineAgent ada = new OnlineAgent(new OperatorId("o_ada"), "Ada");
        OnlineAgent bob = new OnlineAgent(new OperatorId("o_bob"), "Bob");
        Duration ttl = Duration.ofSeconds(30);

        assertThat(onA.heartbeat(WORKSPACE, "a-1", ada, ttl).block(TIMEOUT)).isTrue();
        assertThat(onA.heartbeat(WORKSPACE, "a-1", ada, ttl).block(TIMEOUT)).as("a refresh is not new").isFalse();
        assertThat(onB.heartbeat(WORKSPACE, "b-1", ada, ttl).block(TIMEOUT)).isTrue();
        assertThat(onB.heartbeat(WORKSPACE, "b-2", bob, ttl).block(TIMEOUT)).isTrue();
        assertThat(onA.online(WORKSPACE, 10).block(TIMEOUT)).containsExactly(ada, bob);
        assertThat(onA.online(WORKSPACE, 1).block(TIMEOUT)).containsExactly(ada);

        onB.leave(WORKSPACE, "b-2").block(TIMEOUT);
        assertThat(onA.online(WORKSPACE, 10).block(TIMEOUT)).containsExactly(ada);

        // node B dies: its socket's entry is not refreshed and expires; node A's lives on
        now.set(now.get().plusSeconds(20));
        onA.heartbeat(WORKSPACE, "a-1", ada, ttl).block(TIMEOUT);
        onA.leave(WORKSPACE, "a-1").block(TIMEOUT);
        assertThat(onB.online(WORKSPACE, 10).block(TIMEOUT)).as("b-1 still within its TTL").containsExactly(ada);
        now.set(now.get().plusSeconds(15));
        assertThat(onA.online(WORKSPACE, 10).block(TIMEOUT)).isEmpty();
    }
}
