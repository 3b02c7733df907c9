package io.parley.gateway.auth.throttle;

import io.parley.core.port.AuthThrottle.Verdict;
import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The answer to a refused auth attempt: 429, Retry-After in whole seconds, a small JSON body. */
public final class ThrottleResponses {
    static final String ERROR = "too_many_attempts";

    private ThrottleResponses() {
    }

    public static Mono<Void> tooManyAttempts(ServerWebExchange exchange, Verdict verdict) {
        return tooManyAttempts(exchange, verdict.retryAfterMillis());
    }

    public static Mono<Void> tooManyAttempts(ServerWebExchange exchange, long retryAfterMillis) {
        long seconds = retryAfterSeconds(retryAfterMillis);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setCacheControl("no-store");
        byte[] body = ("{\"error\":\"" + ERROR + "\",\"message\":\"" + message(seconds) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** The same answer for handlers that return a {@link ResponseEntity}. */
    public static ResponseEntity<TooManyAttempts> entity(Verdict verdict) {
        long seconds = retryAfterSeconds(verdict.retryAfterMillis());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .cacheControl(CacheControl.noStore())
                .body(new TooManyAttempts(ERROR, message(seconds)));
    }

    public record TooManyAttempts(String error, String message) {
    }

    public static String message(long seconds) {
        return "Too many attempts. Try again in " + seconds + (seconds == 1 ? " second." : " seconds.");
    }

    /** Whole seconds, rounded up, at least 1: a client retrying sooner would only be refused again. */
    public static long retryAfterSeconds(long retryAfterMillis) {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
