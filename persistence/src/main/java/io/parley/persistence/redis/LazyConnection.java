package io.parley.persistence.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A connection opened on first use rather than in the constructor, so that the adapters can be built
 * (and the rate limiter can fall back locally) while Redis is down. Once open, Lettuce reconnects it by
 * itself. Callers share one attempt in flight; after a failure, the next attempt waits a little. The
 * connection carries a CLIENT SETNAME, so that operators can tell it apart.
 */
final class LazyConnection<C extends StatefulRedisConnection<String, String>> implements AutoCloseable {
    private static final long RETRY_AFTER_FAILURE_NANOS = Duration.ofSeconds(1).toNanos();

    private final RedisClient client;
    private final Function<RedisClient, C> connector;
    private final String clientName;
    private final RedisConnectionStateListener renameOnReconnect = new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
            C open = ifOpen();
            if (connection == open) {
                // Lettuce does not replay CLIENT SETNAME after reconnecting
                open.async().clientSetname(clientName);
            }
        }
    };
    private @Nullable CompletableFuture<C> current;
    private @Nullable C opened;
    private long failedAtNanos;
    private boolean closed;

    LazyConnection(RedisClient client, Function<RedisClient, C> connector, String clientName) {
        this.client = client;
        this.connector = connector;
        this.clientName = clientName;
        client.addListener(renameOnReconnect);
    }

    Mono<C> get() {
        // a caller who gives up (timeout) cancels its copy only; the attempt carries on for the others
        return Mono.defer(() -> Mono.fromFuture(future().copy()));
    }

    /** The connection if it is open, without opening it. */
    synchronized @Nullable C ifOpen() {
        return opened;
    }

    private synchronized CompletableFuture<C> future() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis adapters closed"));
        }
        CompletableFuture<C> future = current;
        if (future != null && (!future.isCompletedExceptionally()
                || System.nanoTime() - failedAtNanos < RETRY_AFTER_FAILURE_NANOS)) {
            return future;
        }
        CompletableFuture<C> next = new CompletableFuture<>();
        current = next;
        // RedisClient connects to its default URI only with the blocking connect()
        Schedulers.boundedElastic().schedule(() -> connect(next));
        return next;
    }

    private void connect(CompletableFuture<C> target) {
        C connection;
        try {
            connection = connector.apply(client);
        } catch (RuntimeException e) {
            failed(target, e);
            return;
        }
        try {
            connection.sync().clientSetname(clientName);
        } catch (RuntimeException e) {
            connection.closeAsync();
            failed(target, e);
            return;
        }
        boolean lateForClose;
        synchronized (this) {
            lateForClose = closed;
            if (!lateForClose) {
                opened = connection;
            }
        }
        if (lateForClose) {
            connection.closeAsync();
            target.completeExceptionally(new IllegalStateException("Redis adapters closed"));
        } else {
            target.complete(connection);
        }
    }

    private void failed(CompletableFuture<C> target, RuntimeException failure) {
        synchronized (this) {
            failedAtNanos = System.nanoTime();
        }
        target.completeExceptionally(failure);
    }

    @Override
    public void close() {
        client.removeListener(renameOnReconnect);
        C connection;
        synchronized (this) {
            closed = true;
            connection = opened;
            opened = null;
        }
        if (connection != null) {
            connection.close();
        }
    }
}
