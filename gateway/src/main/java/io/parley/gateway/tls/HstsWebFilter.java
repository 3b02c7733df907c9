package io.parley.gateway.tls;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Adds {@code Strict-Transport-Security} to every response sent over TLS. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class HstsWebFilter implements WebFilter {

    public static final String HEADER = "Strict-Transport-Security";
    public static final String HSTS_VALUE = "max-age=63072000; includeSubDomains";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // RFC 6797 §7.2: the header must not be sent over plain HTTP (e.g. the loopback management port).
        if (exchange.getRequest().getSslInfo() == null) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(HEADER, HSTS_VALUE);
        // Up front: the WebSocket upgrade writes its 101 from Netty's headers without a Spring commit.
        // Again at commit: error handling may reset the headers after the chain failed.
        exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> exchange.getResponse()
                .getHeaders().set(HEADER, HSTS_VALUE)));
        return chain.filter(exchange);
    }
}
