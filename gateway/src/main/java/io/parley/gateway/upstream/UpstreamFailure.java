package io.parley.gateway.upstream;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Why an upstream reply failed; its message names the kind and status, never a request header or key. */
final class UpstreamFailure extends RuntimeException {

    enum Kind {
        /** The bot has no base URL and model (or is gone). */
        NOT_CONFIGURED(false, false),
        CONNECT(true, true),
        /** 429. Not counted by the breaker: it is the account's quota, not the upstream's health. */
        RATE_LIMITED(true, false),
        SERVER_ERROR(true, true),
        /** Another 4xx (a wrong key or model): the bot's settings, not the upstream's health. */
        REJECTED(false, false),
        FIRST_TOKEN_TIMEOUT(false, true),
        IDLE_TIMEOUT(false, true),
        /** The connection closed before the stream ended. */
        DROPPED(true, true),
        /** Not an OpenAI chat-completions event stream (bad JSON, missing fields, no end). */
        MALFORMED(false, true),
        BREAKER_OPEN(false, false),
        BULKHEAD_FULL(false, false);

        final boolean retryable;
        final boolean upstreamUnhealthy;

        Kind(boolean retryable, boolean upstreamUnhealthy) {
            this.retryable = retryable;
            this.upstreamUnhealthy = upstreamUnhealthy;
        }

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final @Nullable Duration retryAfter;
    private final boolean afterFirstToken;

    UpstreamFailure(Kind kind, String message) {
        this(kind, message, null, false, null);
    }

    UpstreamFailure(Kind kind, String message, @Nullable Duration retryAfter, boolean afterFirstToken,
                    @Nullable Throwable cause) {
        super(kind.tag() + ": " + message, cause, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.afterFirstToken = afterFirstToken;
    }

    Kind kind() {
        return kind;
    }

    @Nullable Duration retryAfter() {
        return retryAfter;
    }

    boolean afterFirstToken() {
        return afterFirstToken;
    }

    UpstreamFailure afterFirstToken(boolean value) {
        return value == afterFirstToken ? this
                : new UpstreamFailure(kind, getMessage().substring(kind.tag().length() + 2), retryAfter, value, getCause());
    }
}
