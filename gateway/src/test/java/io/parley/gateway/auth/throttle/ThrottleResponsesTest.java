package io.parley.gateway.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.port.AuthThrottle.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.test.StepVerifier;

class ThrottleResponsesTest {

    @Test
    void answers429WithRetryAfterInWholeSecondsRoundedUpAndAJsonBody() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/auth/magic-link"));
        StepVerifier.create(ThrottleResponses.tooManyAttempts(exchange, Verdict.refused(60_001, Verdict.LOCKED_OUT)))
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("61");
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(exchange.getResponse().getHeaders().getCacheControl()).isEqualTo("no-store");
        StepVerifier.create(exchange.getResponse().getBodyAsString())
                .expectNext("{\"error\":\"too_many_attempts\",\"message\":\"Too many attempts. Try again in 61 seconds.\"}")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void retryAfterIsNeverZero() {
        assertThat(ThrottleResponses.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(ThrottleResponses.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(ThrottleResponses.retryAfterSeconds(1000)).isEqualTo(1);
        assertThat(ThrottleResponses.retryAfterSeconds(1001)).isEqualTo(2);
    }
}
