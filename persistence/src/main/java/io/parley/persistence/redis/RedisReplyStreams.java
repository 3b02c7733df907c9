package io.parley.persistence.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.port.ReplyStreams;
import io.parley.core.protocol.LiveSignal;
import io.parley.core.protocol.LiveSignalCodec;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A reply's text in a string key (APPEND), its author, length in UTF-16 units and origin in a hash
 * beside it, its id in the conversation's set of live replies, and its lease in a string key holding
 * the node's id with a short TTL. Text keys expire {@code ttl} after the last begin, append or renewal,
 * so a reply nobody ends leaves nothing behind for long. The index of leases (a sorted set by expiry on
 * the Redis clock) lets any node find replies whose lease ran out; every decision (append, renew,
 * claim) is a script on the reply's own keys. The append script also publishes the piece's
 * {@code reply.delta} on the conversation's event channel, as {@link RedisEventBus} would (stamped with
 * its origin, and delivered to this node's followers once the script says it appended: {@link PubSubChannels}),
 * so a piece costs one round trip. Redis failures are errors for the caller.
 */
final class RedisReplyStreams implements ReplyStreams {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_FLAG_TTL = Duration.ofDays(1);

    private final LazyConnection<StatefulRedisConnection<String, String>> redis;
    private final PubSubChannels<LiveSignal> events;
    private final RedisKeys keys;
    private final LiveSignalCodec codec = new LiveSignalCodec();
    private final String ttlMillis;
    private final RedisScript begin = RedisScript.named("reply-begin.lua");
    private final RedisScript append = RedisScript.named("reply-append.lua");
    private final RedisScript end = RedisScript.named("reply-end.lua");
    private final RedisScript renew = RedisScript.named("reply-renew.lua");
    private final RedisScript claim = RedisScript.named("reply-claim.lua");
    private final RedisScript release = RedisScript.named("reply-release.lua");
    private final RedisScript index = RedisScript.named("lease-index.lua");

    /** {@code events}: the event bus's channels, on the same command connection as {@code redis}. */
    RedisReplyStreams(LazyConnection<StatefulRedisConnection<String, String>> redis, PubSubChannels<LiveSignal> events,
                      RedisKeys keys, Duration ttl) {
        this.redis = redis;
        this.events = events;
        this.keys = keys;
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public Mono<Void> begin(ConversationId conversationId, MessageId messageId, Author author, Origin origin,
                            Duration leaseTtl) {
        return redis.get()
                .flatMap(c -> begin.run(c.reactive(), replyKeys(conversationId, messageId), messageId.value(),
                                ttlMillis, author.role().wire(), author.id(), author.name(), origin.node(),
                                origin.questionId().value(), origin.question(), origin.botId().value(),
                                Long.toString(leaseTtl.toMillis()))
                        .then(indexed(c, conversationId, messageId, leaseTtl)))
                .timeout(TIMEOUT)
                .then();
    }

    @Override
    public Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node) {
        return appendAndAnnounce(delta, node, false);
    }

    @Override
    public Mono<Long> appendAndAnnounce(LiveSignal.ReplyDelta delta, String node, boolean leaseHeld) {
        ConversationId conversationId = delta.conversationId();
        MessageId messageId = delta.messageId();
        String piece = delta.text();
        String channel = keys.events(conversationId);
        BiFunction<RedisReactiveCommands<String, String>, String, Mono<Long>> appendAndPublish = (c, stamped) ->
                append.run(c, replyKeys(conversationId, messageId), piece, Integer.toString(piece.length()), ttlMillis,
                        messageId.value(), node, channel, stamped);
        return Mono.fromCallable(() -> codec.encode(delta))
                .flatMap(payload -> events.publishing(channel, delta, payload, appendAndPublish, length -> length >= 0,
                        leaseHeld))
                .flatMap(length -> length == -2
                        ? Mono.error(new LeaseLostException(messageId))
                        : length < 0
                        ? Mono.error(new IllegalStateException("no live reply " + messageId + " in " + conversationId
                                + " (never begun, ended or expired)"))
                        : Mono.just(length));
    }

    @Override
    public Mono<Void> end(ConversationId conversationId, MessageId messageId) {
        return redis.get()
                .flatMap(c -> end.run(c.reactive(), replyKeys(conversationId, messageId), messageId.value())
                        .then(c.reactive().zrem(keys.replyLeases(), member(conversationId, messageId))))
                .timeout(TIMEOUT)
                .then();
    }

    @Override
    public Mono<Boolean> renew(ConversationId conversationId, MessageId messageId, String node, Duration ttl) {
        return redis.get()
                .flatMap(c -> renew.run(c.reactive(), replyKeys(conversationId, messageId), node,
                                Long.toString(ttl.toMillis()), ttlMillis)
                        .flatMap(held -> held == 1
                                ? indexed(c, conversationId, messageId, ttl).thenReturn(true)
                                : Mono.just(held != 0)))
                .timeout(TIMEOUT);
    }

    @Override
    public Mono<Boolean> release(ConversationId conversationId, MessageId messageId, String node) {
        return redis.get()
                .flatMap(c -> release.run(c.reactive(), replyKeys(conversationId, messageId), node)
                        // expired at once in the index: the next sweep of any node finds it
                        .flatMap(released -> released == 1
                                ? c.reactive().zadd(keys.replyLeases(), 0, member(conversationId, messageId))
                                        .thenReturn(true)
                                : Mono.just(false)))
                .timeout(TIMEOUT);
    }

    @Override
    public Flux<ReplyRef> expired(int max) {
        return redis.get()
                .flatMapMany(c -> c.reactive().time()
                        .collectList()
                        .flatMapMany(time -> c.reactive().zrangebyscore(keys.replyLeases(),
                                Range.create(Double.NEGATIVE_INFINITY, (double) millis(time)), Limit.create(0, max))))
                .timeout(TIMEOUT)
                .flatMap(member -> {
                    String[] ids = member.split(" ", 2);
                    return ids.length == 2 && ConversationId.isValid(ids[0]) && MessageId.isValid(ids[1])
                            ? Mono.just(new ReplyRef(new ConversationId(ids[0]), new MessageId(ids[1])))
                            : Mono.empty();
                });
    }

    @Override
    public Mono<Claimed> claim(ReplyRef reply, String node, Duration ttl) {
        ConversationId conversationId = reply.conversationId();
        MessageId messageId = reply.messageId();
        return redis.get()
                .flatMap(c -> claim.run(c.reactive(), replyKeys(conversationId, messageId), node,
                                Long.toString(ttl.toMillis()), messageId.value())
                        .flatMap(outcome -> switch (outcome.intValue()) {
                            case 1 -> indexed(c, conversationId, messageId, ttl)
                                    .then(claimed(c.reactive(), reply));
                            case -1 -> c.reactive().zrem(keys.replyLeases(), member(conversationId, messageId))
                                    .then(Mono.<Claimed>empty());
                            default -> Mono.<Claimed>empty();
                        }))
                .timeout(TIMEOUT);
    }

    @Override
    public Mono<Boolean> firstRetry(ConversationId conversationId, MessageId questionId) {
        return redis.get()
                .flatMap(c -> c.reactive().set(keys.retried(conversationId, questionId), "1",
                        SetArgs.Builder.nx().px(RETRY_FLAG_TTL.toMillis())))
                .map("OK"::equals)
                .defaultIfEmpty(false)
                .timeout(TIMEOUT);
    }

    @Override
    public Flux<LiveReply> live(ConversationId conversationId) {
        String liveSet = keys.liveReplies(conversationId);
        return redis.get()
                .flatMapMany(c -> c.reactive().smembers(liveSet)
                        .filter(MessageId::isValid)
                        .map(MessageId::new)
                        .flatMapSequential(id -> read(c.reactive(), conversationId, id)
                                // its keys expired or it just ended: forget the id
                                .switchIfEmpty(c.reactive().srem(liveSet, id.value()).then(Mono.empty()))))
                .timeout(TIMEOUT);
    }

    private Mono<LiveReply> read(RedisReactiveCommands<String, String> redis, ConversationId conversationId,
                                 MessageId messageId) {
        Mono<List<KeyValue<String, String>>> author = redis
                .hmget(keys.replyMeta(conversationId, messageId), "role", "id", "name").collectList();
        return Mono.zip(redis.get(keys.replyText(conversationId, messageId)), author)
                .filter(textAndAuthor -> textAndAuthor.getT2().stream().allMatch(KeyValue::hasValue))
                .map(textAndAuthor -> new LiveReply(messageId, author(textAndAuthor.getT2()), textAndAuthor.getT1()));
    }

    private Mono<Claimed> claimed(RedisReactiveCommands<String, String> redis, ReplyRef reply) {
        Mono<List<KeyValue<String, String>>> meta = redis.hmget(keys.replyMeta(reply.conversationId(), reply.messageId()),
                "role", "id", "name", "node", "question_id", "question", "bot").collectList();
        return Mono.zip(redis.get(keys.replyText(reply.conversationId(), reply.messageId())).defaultIfEmpty(""), meta)
                .filter(textAndMeta -> textAndMeta.getT2().stream().allMatch(KeyValue::hasValue)
                        && MessageId.isValid(textAndMeta.getT2().get(4).getValue()))
                .map(textAndMeta -> {
                    List<KeyValue<String, String>> fields = textAndMeta.getT2();
                    return new Claimed(reply,
                            new LiveReply(reply.messageId(), author(fields), textAndMeta.getT1()),
                            new Origin(fields.get(3).getValue(), new MessageId(fields.get(4).getValue()),
                                    fields.get(5).getValue(), new BotId(fields.get(6).getValue())));
                });
    }

    private static Author author(List<KeyValue<String, String>> fields) {
        return new Author(AuthorRole.fromWire(fields.get(0).getValue()), fields.get(1).getValue(),
                fields.get(2).getValue());
    }

    private Mono<Long> indexed(StatefulRedisConnection<String, String> c, ConversationId conversationId,
                               MessageId messageId, Duration leaseTtl) {
        return index.run(c.reactive(), new String[] {keys.replyLeases()}, Long.toString(leaseTtl.toMillis()),
                member(conversationId, messageId));
    }

    private static String member(ConversationId conversationId, MessageId messageId) {
        return conversationId.value() + " " + messageId.value();
    }

    private static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    private String[] replyKeys(ConversationId conversationId, MessageId messageId) {
        return new String[] {keys.replyText(conversationId, messageId), keys.replyMeta(conversationId, messageId),
                keys.liveReplies(conversationId), keys.replyLease(conversationId, messageId)};
    }
}
