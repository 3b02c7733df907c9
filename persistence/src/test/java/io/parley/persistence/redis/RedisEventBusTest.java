package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.BOT;
import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static io.parley.persistence.redis.RedisTestSupport.VISITOR;
import static io.parley.persistence.redis.RedisTestSupport.conversation;
import static io.parley.persistence.redis.RedisTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import io.parley.core.port.EventBus;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.LiveSignalCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class RedisEventBusTest extends SharedRedisTest {
    private static final LiveSignal SUBSCRIBED = new LiveSignal.Subscribed();


    private String prefix;
    private RedisAdapters node;
    private EventBus bus;

    @BeforeEach
    void newNode() {
        prefix = RedisTestSupport.randomPrefix();
        node = new RedisAdapters(client, prefix);
        bus = node.eventBus();
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void subscriberReceivesSubscribedFirstThenEverySignalKindInPublishOrder() {
        ConversationId c = conversation();
        List<LiveSignal> signals = everyKindOfSignal(c);

        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> publishInOrder(bus, c, signals))
                .expectNextSequence(signals)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aSignalPublishedRightAfterSubscribedIsNeverMissed() {
        for (int round = 0; round < 20; round++) {
            ConversationId c = conversation();
            LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);
            StepVerifier.create(bus.subscribe(c)
                            .concatMap(signal -> signal instanceof LiveSignal.Subscribed
                                    ? bus.publish(c, typing).thenReturn(signal) : Mono.just(signal))
                            .take(2))
                    .expectNext(SUBSCRIBED, typing)
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void twoLocalSubscribersOfOneConversationShareOneRedisSubscriptionAndBothReceive() {
        ConversationId c = conversation();
        LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);

        StepVerifier.create(Flux.merge(bus.subscribe(c).take(2), bus.subscribe(c).take(2)))
                .expectNext(SUBSCRIBED, SUBSCRIBED)
                .then(() -> assertThat(subscribersInRedis(c)).isEqualTo(1))
                .then(() -> bus.publish(c, typing).block(TIMEOUT))
                .expectNext(typing, typing)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aSignalPublishedOnOneNodeReachesSubscribersOnAnother() {
        ConversationId c = conversation();
        LiveSignal cancel = new LiveSignal.CancelReply(c, message());
        try (RedisAdapters otherNode = new RedisAdapters(client, prefix)) {
            StepVerifier.create(otherNode.eventBus().subscribe(c))
                    .expectNext(SUBSCRIBED)
                    .then(() -> bus.publish(c, cancel).block(TIMEOUT))
                    .expectNext(cancel)
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void cancellingTheLastLocalSubscriberUnsubscribesFromRedis() {
        ConversationId c = conversation();
        Queue<LiveSignal> first = new ConcurrentLinkedQueue<>();
        Queue<LiveSignal> second = new ConcurrentLinkedQueue<>();
        Disposable firstSubscription = bus.subscribe(c).subscribe(first::add);
        Disposable secondSubscription = bus.subscribe(c).subscribe(second::add);
        await().atMost(TIMEOUT).until(() -> first.contains(SUBSCRIBED) && second.contains(SUBSCRIBED));
        assertThat(subscribersInRedis(c)).isEqualTo(1);

        firstSubscription.dispose();
        LiveSignal typing = new LiveSignal.Typing(c, BOT, false);
        bus.publish(c, typing).block(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> second.contains(typing));
        assertThat(subscribersInRedis(c)).isEqualTo(1);
        assertThat(first).containsExactly(SUBSCRIBED);

        secondSubscription.dispose();
        await().atMost(TIMEOUT).until(() -> subscribersInRedis(c) == 0);
    }

    @Test
    void aSubscriberOfOneConversationNeverSeesAnothersSignals() {
        ConversationId a = new ConversationId("c_1" + conversation().value().substring(2));
        ConversationId b = new ConversationId(a.value() + "2");
        LiveSignal ofB = new LiveSignal.Typing(b, VISITOR, true);
        LiveSignal ofA = new LiveSignal.Typing(a, VISITOR, false);

        StepVerifier.create(bus.subscribe(a))
                .expectNext(SUBSCRIBED)
                .then(() -> {
                    bus.publish(b, ofB).block(TIMEOUT);
                    bus.publish(a, ofA).block(TIMEOUT);
                })
                .expectNext(ofA)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void publishRefusesASignalOfAnotherConversationOrTheLocalSubscribedMarker() {
        ConversationId a = conversation();
        StepVerifier.create(bus.publish(a, new LiveSignal.Typing(conversation(), BOT, true)))
                .expectError(IllegalArgumentException.class)
                .verify(TIMEOUT);
        StepVerifier.create(bus.publish(a, SUBSCRIBED))
                .expectError(IllegalArgumentException.class)
                .verify(TIMEOUT);
    }

    @Test
    void undecodableOrMisaddressedMessagesOnTheChannelAreSkippedAndLaterSignalsStillArrive() {
        ConversationId c = conversation();
        String channel = prefix + "{" + c.value() + "}:events";
        LiveSignalCodec codec = new LiveSignalCodec();
        LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);

        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> {
                    admin.publish(channel, "not json");
                    admin.publish(channel, "{\"k\":\"no-such-kind\",\"c\":\"" + c.value() + "\"}");
                    admin.publish(channel, "{\"k\":\"typing\",\"c\":\"" + c.value() + "\"}");
                    admin.publish(channel, codec.encode(new LiveSignal.Typing(conversation(), VISITOR, true)));
                    bus.publish(c, typing).block(TIMEOUT);
                })
                .expectNext(typing)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void subscribersAndPublishersOnManyThreadsEachReceiveTheirConversationInOrder() {
        List<ConversationId> conversations = IntStream.range(0, 8).mapToObj(i -> conversation()).toList();
        Map<ConversationId, List<LiveSignal>> published = conversations.stream().collect(Collectors.toMap(
                c -> c, c -> IntStream.range(0, 50)
                        .<LiveSignal>mapToObj(i -> new LiveSignal.ReplyDelta(c, new MessageId("m_1"), i, "t" + i))
                        .toList()));
        int subscribersPerConversation = 4;
        CountDownLatch allSubscribed = new CountDownLatch(conversations.size() * subscribersPerConversation);

        Mono<List<List<LiveSignal>>> received = Flux.fromIterable(conversations)
                .flatMap(c -> Flux.range(0, subscribersPerConversation)
                        .flatMap(i -> bus.subscribe(c)
                                .doOnNext(signal -> {
                                    if (signal instanceof LiveSignal.Subscribed) {
                                        allSubscribed.countDown();
                                    }
                                })
                                .skip(1)
                                .take(50)
                                .collectList()
                                .subscribeOn(Schedulers.parallel())))
                .collectList()
                .cache();
        received.subscribe();
        await().atMost(TIMEOUT).until(() -> allSubscribed.await(0, TimeUnit.MILLISECONDS));

        Flux.fromIterable(conversations)
                .flatMap(c -> Flux.fromIterable(published.get(c)).concatMap(signal -> bus.publish(c, signal))
                        .subscribeOn(Schedulers.parallel()))
                .blockLast(TIMEOUT);

        StepVerifier.create(received)
                .assertNext(lists -> {
                    assertThat(lists).hasSize(conversations.size() * subscribersPerConversation);
                    assertThat(lists).allSatisfy(list -> assertThat(list)
                            .isEqualTo(published.get(((LiveSignal.ReplyDelta) list.get(0)).conversationId())));
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void concurrentSubscribeAndCancelChurnEndsUnsubscribedAndStillWorks() {
        ConversationId c = conversation();
        StepVerifier.create(Flux.range(0, 200)
                        .flatMap(i -> bus.subscribe(c).take(1).subscribeOn(Schedulers.parallel()), 16)
                        .count())
                .expectNext(200L)
                .expectComplete()
                .verify(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> subscribersInRedis(c) == 0);

        LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);
        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> bus.publish(c, typing).block(TIMEOUT))
                .expectNext(typing)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void losingThePubSubConnectionErrorsSubscribersAndLeavesNoOrphanSubscriptionAfterReconnecting() {
        ConversationId c = conversation();
        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> admin.clientKill(KillArgs.Builder.id(pubSubClientId())))
                .expectError(RedisEventBus.PubSubConnectionLostException.class)
                .verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> pubSubClientId() > 0 && subscribersInRedis(c) == 0);
        LiveSignal typing = new LiveSignal.Typing(c, VISITOR, true);
        StepVerifier.create(bus.subscribe(c))
                .expectNext(SUBSCRIBED)
                .then(() -> bus.publish(c, typing).block(TIMEOUT))
                .expectNext(typing)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void publishAndSubscribeErrorWhenRedisIsUnreachable() {
        RedisClient unreachable = RedisTestSupport.unreachableClient();
        try (RedisAdapters down = new RedisAdapters(unreachable, prefix)) {
            ConversationId c = conversation();
            StepVerifier.create(down.eventBus().publish(c, new LiveSignal.Typing(c, VISITOR, true)))
                    .expectError()
                    .verify(TIMEOUT);
            StepVerifier.create(down.eventBus().subscribe(c))
                    .expectError()
                    .verify(TIMEOUT);
        } finally {
            unreachable.shutdown();
        }
    }

    private long pubSubClientId() {
        return RedisTestSupport.clientId(admin, new RedisKeys(prefix).clientName("events"));
    }

    private long subscribersInRedis(ConversationId c) {
        String channel = prefix + "{" + c.value() + "}:events";
        return admin.pubsubNumsub(channel).get(channel);
    }

    private static void publishInOrder(EventBus bus, ConversationId c, List<LiveSignal> signals) {
        Flux.fromIterable(signals).concatMap(signal -> bus.publish(c, signal)).blockLast(TIMEOUT);
    }

    static List<LiveSignal> everyKindOfSignal(ConversationId c) {
        MessageId question = message();
        MessageId reply = message();
        Instant at = Instant.parse("2025-05-01T10:15:30.123456Z");
        return List.of(
                new LiveSignal.Stored(new StoredEvent.Message(c, 1, question, VISITOR, "héllo 👋", at, "cm-1", null)),
                new LiveSignal.ReplyStart(c, reply, BOT),
                new LiveSignal.ReplyDelta(c, reply, 0, "Bonjour"),
                new LiveSignal.ReplyDelta(c, reply, 7, " \"à\" vous\n"),
                new LiveSignal.CancelReply(c, reply),
                new LiveSignal.ReplyEnd(c, reply, 2, Finish.CANCELLED, 17),
                new LiveSignal.Stored(new StoredEvent.Message(c, 2, reply, BOT, "Bonjour \"à\" vous\n", at, null,
                        Finish.CANCELLED)),
                new LiveSignal.Stored(new StoredEvent.Handoff(c, 3, HandoffState.REQUESTED, null, at)),
                new LiveSignal.Stored(new StoredEvent.Handoff(c, 4, HandoffState.ASSIGNED, "Grace", at)),
                new LiveSignal.Typing(c, new Author(AuthorRole.AGENT, "u_7", "Grace"), true),
                new LiveSignal.Typing(c, VISITOR, false));
    }
}
