package io.parley.persistence.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisScriptingReactiveCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import reactor.core.publisher.Mono;

/**
 * A Lua script kept as a resource next to this class, loaded with SCRIPT LOAD on first use and run
 * with EVALSHA. A server that lost it (restart, failover, SCRIPT FLUSH) answers NOSCRIPT: it is loaded
 * again and the call retried once.
 */
final class RedisScript {
    private final String name;
    private final String source;
    private final String sha;
    private volatile boolean loaded;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    static RedisScript named(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script resource " + resource);
            }
            return new RedisScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String sha() {
        return sha;
    }

    /** Runs a script that returns an integer. */
    Mono<Long> run(RedisScriptingReactiveCommands<String, String> redis, String[] keys, String... args) {
        Mono<Long> call = redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).single();
        return (loaded ? call : load(redis).then(call))
                .onErrorResume(RedisNoScriptException.class, noScript -> load(redis).then(call));
    }

    private Mono<Void> load(RedisScriptingReactiveCommands<String, String> redis) {
        return redis.scriptLoad(source).doOnNext(returned -> {
            if (!sha.equals(returned)) {
                throw new IllegalStateException("Redis returned SHA " + returned + " for " + name + ", expected " + sha);
            }
            loaded = true;
        }).then();
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
