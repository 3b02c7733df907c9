package io.parley.gateway.ws;

import io.netty.channel.EventLoop;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Runs a WebSocket upgrade on the connection's own event loop. A handshake that first waited for the
 * database or Redis resumes on their threads; upgrading from there races the client's first frame,
 * which may then arrive before the socket's reader is in place and never reach it.
 */
public final class ChannelLoop {

    private ChannelLoop() {
    }

    public static Mono<Void> upgradeOnChannelLoop(ServerWebExchange exchange, Mono<Void> upgrade) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (request instanceof Connection connection) {
            EventLoop loop = connection.channel().eventLoop();
            return loop.inEventLoop() ? upgrade : upgrade.subscribeOn(Schedulers.fromExecutor(loop));
        }
        return upgrade;
    }
}
