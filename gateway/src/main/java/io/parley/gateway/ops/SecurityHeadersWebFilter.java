package io.parley.gateway.ops;

import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Safe defaults on every HTTPS response: nothing here is meant to be framed, sniffed or to leak its
 * address. A handler that serves a page (the widget's demo, the console) sets its own
 * Content-Security-Policy and this filter leaves it alone.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class SecurityHeadersWebFilter implements WebFilter {
    static final Map<String, String> DEFAULTS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getSslInfo() == null) {
            return chain.filter(exchange);
        }
        exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            DEFAULTS.forEach((name, value) -> {
                if (!headers.containsHeader(name)) {
                    headers.set(name, value);
                }
            });
        }));
        return chain.filter(exchange);
    }
}
