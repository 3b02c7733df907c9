package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.BOT;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.VISITOR;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.delta;
import static io.parley.persistence.redis.RedisTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationSummary;
import io.parley.core.model.Finish;
import io.parley.core.model.MessageId;
import io.parley.core.model.VisitorId;
import io.parley.core.model.VisitorRecord;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.EventBus;
import io.parley.core.port.InboxBus;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.ReplyStreams.LeaseLostException;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.LiveSignalCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A node's own signals reach its subscribers once, straight from the command that published them (the very
 * objects published, not decoded copies), and Redis's echo of them is dropped; other nodes, of this version
 * or the previous one, still exchange them through Redis. That nothing more arrives is shown without waiting:
 * a marker published after everything else arrives next, which it could not if a copy were still on its way.
 */
class RedisLocalDeliveryTest extends TwoRedisNodesTest {

    @Test
    void aSubscriberOnThePublishingNodeGetsEachOfItsSignalsOnceInPublishOrderWithoutTheRedisEcho() {
        ReplyBurst burst = replyBurst(10, 50);
        LiveSignal later = new LiveSignal.Typing(c, VISITOR, true);

        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(burst::publish)
                .recordWith(ArrayList::new)
                .expectNextCount(burst.signals().size())
                .consumeRecordedWith(received -> {
                    List<LiveSignal> inOrder = List.copyOf(received);
                    for (int i = 0; i < inOrder.size(); i++) {
                        // the object the caller published: delivered locally, not decoded from Redis
                        assertThat(inOrder.get(i)).as("signal %d", i).isSameAs(burst.signals().get(i));
                    }
                })
                .then(() -> otherNode.eventBus().publish(c, later).block(TIMEOUT))
                .expectNext(later)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aSubscriberOnAnotherNodeGetsEachSignalOnceInPublishOrder() {
        ReplyBurst burst = replyBurst(10, 50);
        LiveSignal later = new LiveSignal.Typing(c, VISITOR, true);
        List<LiveSignal> expected = new ArrayList<>(burst.signals());
        expected.add(later);

        StepVerifier.create(otherNode.eventBus().subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> {
                    burst.publish();
                    bus.publish(c, later).block(TIMEOUT);
                })
                .recordWith(ArrayList::new)
                .expectNextCount(expected.size())
                .consumeRecordedWith(received -> assertThat(received).containsExactlyElementsOf(expected))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aPayloadOfANodeWithoutOriginsIsDeliveredAndOneOfOursIsReadByIt() throws InterruptedException {
        LiveSignalCodec codec = new LiveSignalCodec();
        String channel = new RedisKeys(prefix).events(c);
        LiveSignal fromOldNode = new LiveSignal.CancelReply(c, message());
        LiveSignal fromThisNode = new LiveSignal.Typing(c, BOT, true);
        BlockingQueue<String> oldNodeReceived = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> oldNode = client.connectPubSub()) {
            oldNode.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String payload) {
                    oldNodeReceived.add(payload);
                }
            });
            oldNode.sync().subscribe(channel);

            StepVerifier.create(bus.subscribe(c))
                    .expectNext(SUBSCRIBED)
                    .then(() -> admin.publish(channel, codec.encode(fromOldNode)))
                    .expectNext(fromOldNode)
                    .then(() -> bus.publish(c, fromThisNode).block(TIMEOUT))
                    .expectNext(fromThisNode)
                    .thenCancel()
                    .verify(TIMEOUT);

            assertThat(oldNodeReceived.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(codec.encode(fromOldNode));
            String ours = oldNodeReceived.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ours).startsWith("{\"@\":\"");
            assertThat(codec.decode(ours)).isEqualTo(fromThisNode);
        }
    }

    @Test
    void aPieceRefusedForALeaseHeldElsewhereIsDeliveredNeitherOnItsNodeNorOnAnother() {
        MessageId m = message();
        LiveSignal marker = new LiveSignal.Typing(c, VISITOR, false);
        replies.begin(c, m, BOT, origin(), LEASE)
                .then(replies.appendAndAnnounce(delta(c, m, 0, "kept"), NODE))
                .block(TIMEOUT);

        StepVerifier.create(Flux.merge(bus.subscribe(c).take(2), otherNode.eventBus().subscribe(c).take(2)))
                .expectNext(SUBSCRIBED, SUBSCRIBED)
                .then(() -> {
                    StepVerifier.create(replies.appendAndAnnounce(delta(c, m, 4, " stale"), "n_paused"))
                            .expectError(LeaseLostException.class)
                            .verify(TIMEOUT);
                    bus.publish(c, marker).block(TIMEOUT);
                })
                .expectNext(marker, marker)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aSignalRedisRefusesToPublishIsNotDeliveredLocally() {
        try (PrivateNodes nodes = PrivateNodes.start(prefix)) {
            RedisAdapters privateNode = nodes.node();
            StatefulRedisConnection<String, String> privateAdmin = nodes.admin();
            RedisCommands<String, String> acl = privateAdmin.sync();
            EventBus privateBus = privateNode.eventBus();
            ReplyStreams privateReplies = privateNode.replyStreams();
            MessageId m = message();
            LiveSignal refused = new LiveSignal.Typing(c, VISITOR, true);
            LiveSignal marker = new LiveSignal.Typing(c, VISITOR, false);
            privateReplies.begin(c, m, BOT, origin(), LEASE).block(TIMEOUT);

            StepVerifier.create(privateBus.subscribe(c))
                    .expectNext(SUBSCRIBED)
                    .then(() -> {
                        acl.aclSetuser("default", AclSetuserArgs.Builder.removeCommand(CommandType.PUBLISH)
                                .removeCommand(CommandType.EVALSHA).removeCommand(CommandType.SCRIPT));
                        StepVerifier.create(privateBus.publish(c, refused))
                                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("NOPERM"))
                                .verify(TIMEOUT);
                        StepVerifier.create(privateReplies.appendAndAnnounce(delta(c, m, 0, "refused"), NODE))
                                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("NOPERM"))
                                .verify(TIMEOUT);
                        acl.aclSetuser("default", AclSetuserArgs.Builder.allCommands());
                        privateBus.publish(c, marker).block(TIMEOUT);
                    })
                    .expectNext(marker)
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void aPieceWhoseLeaseIsSurelyHeldReachesTheNodesOwnFollowersBeforeRedisHasAnsweredAndOthersOnceAfter() {
        try (PrivateNodes nodes = PrivateNodes.start(prefix)) {
            RedisAdapters privateNode = nodes.node();
            RedisAdapters privateOther = nodes.other();
            StatefulRedisConnection<String, String> privateAdmin = nodes.admin();
            ReplyStreams privateReplies = privateNode.replyStreams();
            MessageId m = message();
            LiveSignal.ReplyDelta piece = delta(c, m, 0, "at once");
            LiveSignal marker = new LiveSignal.Typing(c, VISITOR, false);
            privateReplies.begin(c, m, BOT, origin(), LEASE)
                    .then(privateReplies.appendAndAnnounce(delta(c, message(), 0, "loads the script"), NODE)
                            .onErrorResume(e -> Mono.empty()))
                    .block(TIMEOUT);
            AtomicBoolean answered = new AtomicBoolean();

            StepVerifier.create(Flux.merge(privateNode.eventBus().subscribe(c).take(3),
                            privateOther.eventBus().subscribe(c).take(3)))
                    .expectNext(SUBSCRIBED, SUBSCRIBED)
                    .then(() -> {
                        // Redis runs no script and no PUBLISH until unpaused: the piece cannot come from it
                        client(privateAdmin, "PAUSE", "30000", "WRITE");
                        privateReplies.appendAndAnnounce(piece, NODE, true)
                                .doOnSuccess(length -> answered.set(true))
                                .subscribe();
                    })
                    .assertNext(first -> {
                        assertThat(first).isSameAs(piece);
                        assertThat(answered).as("Redis had not answered yet").isFalse();
                    })
                    .then(() -> {
                        client(privateAdmin, "UNPAUSE");
                        privateNode.eventBus().publish(c, marker).block(TIMEOUT);
                    })
                    .recordWith(ArrayList::new)
                    .expectNextCount(3)
                    .consumeRecordedWith(rest -> assertThat(rest).as("the other node's piece, and the marker on both")
                            .containsExactlyInAnyOrder(piece, marker, marker))
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(answered).isTrue();
        }
    }

    @Test
    void aSignalWhosePublishTimedOutStillReachesTheNodesFollowersOnceWhenRedisPublishesItLater() {
        try (PrivateNodes nodes = PrivateNodes.start(prefix)) {
            RedisAdapters privateNode = nodes.node();
            StatefulRedisConnection<String, String> privateAdmin = nodes.admin();
            EventBus privateBus = privateNode.eventBus();
            LiveSignal late = new LiveSignal.Typing(c, VISITOR, true);
            LiveSignal marker = new LiveSignal.Typing(c, VISITOR, false);

            StepVerifier.create(privateBus.subscribe(c))
                    .expectNext(SUBSCRIBED)
                    .then(() -> {
                        client(privateAdmin, "PAUSE", "30000", "WRITE");
                        StepVerifier.create(privateBus.publish(c, late))
                                .expectError(java.util.concurrent.TimeoutException.class)
                                .verify(TIMEOUT);
                    })
                    .expectNext(late)
                    .then(() -> {
                        // Redis now runs the PUBLISH it held: its echo is dropped, the marker comes next
                        client(privateAdmin, "UNPAUSE");
                        privateBus.publish(c, marker).block(TIMEOUT);
                    })
                    .expectNext(marker)
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    private static void client(StatefulRedisConnection<String, String> connection, String... args) {
        CommandArgs<String, String> command = new CommandArgs<>(StringCodec.UTF8);
        for (String arg : args) {
            command.add(arg);
        }
        connection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), command);
    }

    @Test
    void anInboxSignalPublishedOnANodeReachesItsSubscriberThereOnce() {
        WorkspaceId workspace = new WorkspaceId("w_local" + c.value().substring(2, 12));
        InboxBus.Signal presence = new InboxBus.Signal.PresenceChanged();
        InboxBus.Signal changed = new InboxBus.Signal.Changed(summary(workspace));

        StepVerifier.create(node.inboxBus().subscribe(workspace))
                .expectNext(new InboxBus.Signal.Subscribed())
                .then(() -> node.inboxBus().publish(workspace, presence).block(TIMEOUT))
                .assertNext(signal -> assertThat(signal).isSameAs(presence))
                .then(() -> otherNode.inboxBus().publish(workspace, changed).block(TIMEOUT))
                .expectNext(changed)
                .thenCancel()
                .verify(TIMEOUT);
    }

    /** Signals of {@code node} in the order it sends them, and how to send them all without waiting between them. */
    private record ReplyBurst(List<LiveSignal> signals, List<Mono<?>> commands) {
        void publish() {
            Flux.fromIterable(commands).flatMap(command -> command, 256).blockLast(TIMEOUT);
        }
    }

    /** {@code count} replies, each a start (bus), {@code pieces} deltas (append script) and an end (bus). */
    private ReplyBurst replyBurst(int count, int pieces) {
        // the append script is loaded first, so that no piece waits for SCRIPT LOAD while later commands go ahead
        MessageId warmUp = message();
        ConversationId elsewhere = conversation();
        replies.begin(elsewhere, warmUp, BOT, origin(), LEASE)
                .then(replies.appendAndAnnounce(delta(elsewhere, warmUp, 0, "warm"), NODE))
                .block(TIMEOUT);
        List<LiveSignal> signals = new ArrayList<>();
        List<Mono<?>> commands = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            MessageId m = message();
            replies.begin(c, m, BOT, origin(), LEASE).block(TIMEOUT);
            LiveSignal start = new LiveSignal.ReplyStart(c, m, BOT);
            signals.add(start);
            commands.add(bus.publish(c, start));
            for (int p = 0; p < pieces; p++) {
                LiveSignal.ReplyDelta piece = delta(c, m, p * 3L, "t" + (p % 10) + " ");
                signals.add(piece);
                commands.add(replies.appendAndAnnounce(piece, NODE));
            }
            LiveSignal end = new LiveSignal.ReplyEnd(c, m, r + 1, Finish.STOP, pieces * 3L);
            signals.add(end);
            commands.add(bus.publish(c, end));
        }
        return new ReplyBurst(signals, commands);
    }

    private static ConversationSummary summary(WorkspaceId workspace) {
        Instant at = Instant.parse("2026-11-29T09:30:00Z");
        return new ConversationSummary(new ConversationId("c_local1"), workspace, new BotId("b_local"),
                new VisitorRecord(new VisitorId("v_local"), workspace, at, false, null, null, "Jane", null, null),
                3, new ConversationSummary.LastMessage(AuthorRole.VISITOR, "Jane", "hello", at), false, null, null, at);
    }

    /**
     * Two nodes and an admin connection on a redis-server of the test's own, for commands that would disturb
     * other tests on the shared one (ACL changes, CLIENT PAUSE).
     */
    private record PrivateNodes(PrivateRedis redis, RedisClient client, RedisAdapters node, RedisAdapters other,
                                StatefulRedisConnection<String, String> admin) implements AutoCloseable {
        static PrivateNodes start(String prefix) {
            PrivateRedis redis = PrivateRedis.start();
            RedisClient client = redis.client();
            return new PrivateNodes(redis, client, new RedisAdapters(client, prefix), new RedisAdapters(client, prefix),
                    client.connect());
        }

        @Override
        public void close() {
            node.close();
            other.close();
            admin.close();
            client.shutdown();
            redis.close();
        }
    }
}
