package io.parley.persistence.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.MessageId;
import io.parley.core.port.ReplyStreams;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A reply's text in a string key (APPEND), its author and length in UTF-16 units in a hash beside it,
 * and its id in the conversation's set of live replies. Every key expires {@code ttl} after the last
 * begin or append, so a node that dies mid-reply leaves nothing behind for long. Redis failures are
 * errors for the caller: these buffers only serve readers who resume.
 */
final class RedisReplyStreams implements ReplyStreams {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final LazyConnection<StatefulRedisConnection<String, String>> redis;
    private final RedisKeys keys;
    private final String ttlMillis;
    private final RedisScript begin = RedisScript.named("reply-begin.lua");
    private final RedisScript append = RedisScript.named("reply-append.lua");
    private final RedisScript end = RedisScript.named("reply-end.lua");

    RedisReplyStreams(LazyConnection<StatefulRedisConnection<String, String>> redis, RedisKeys keys, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public Mono<Void> begin(ConversationId conversationId, MessageId messageId, Author author) {
        return redis.get()
                .flatMap(c -> begin.run(c.reactive(), replyKeys(conversationId, messageId), messageId.value(),
                        ttlMillis, author.role().wire(), author.id(), author.name()))
                .timeout(TIMEOUT)
                .then();
    }

    @Override
    public Mono<Long> append(ConversationId conversationId, MessageId messageId, String piece) {
        return redis.get()
                .flatMap(c -> append.run(c.reactive(), replyKeys(conversationId, messageId), piece,
                        Integer.toString(piece.length()), ttlMillis, messageId.value()))
                .timeout(TIMEOUT)
                .flatMap(length -> length < 0
                        ? Mono.error(new IllegalStateException("no live reply " + messageId + " in " + conversationId
                                + " (never begun, ended or expired)"))
                        : Mono.just(length));
    }

    @Override
    public Mono<Void> end(ConversationId conversationId, MessageId messageId) {
        return redis.get()
                .flatMap(c -> end.run(c.reactive(), replyKeys(conversationId, messageId), messageId.value()))
                .timeout(TIMEOUT)
                .then();
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
                .map(textAndAuthor -> {
                    List<KeyValue<String, String>> fields = textAndAuthor.getT2();
                    return new LiveReply(messageId, new Author(AuthorRole.fromWire(fields.get(0).getValue()),
                            fields.get(1).getValue(), fields.get(2).getValue()), textAndAuthor.getT1());
                });
    }

    private String[] replyKeys(ConversationId conversationId, MessageId messageId) {
        return new String[] {keys.replyText(conversationId, messageId), keys.replyMeta(conversationId, messageId),
                keys.liveReplies(conversationId)};
    }
}
