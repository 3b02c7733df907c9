package io.parley.core.protocol;

import org.jspecify.annotations.Nullable;

/** A client frame the protocol refuses; {@link #code()} is the error frame's code. */
public final class BadFrameException extends RuntimeException {
    private final String code;
    private final @Nullable String clientMsgId;

    public BadFrameException(String code, String message, @Nullable String clientMsgId) {
        super(message, null, false, false);
        this.code = code;
        this.clientMsgId = clientMsgId;
    }

    public String code() {
        return code;
    }

    public @Nullable String clientMsgId() {
        return clientMsgId;
    }

    /** Counts toward the bad-frame limit (a malformed frame, as opposed to a valid one with too long a text). */
    public boolean malformed() {
        return ErrorCodes.BAD_FRAME.equals(code);
    }

    public ServerFrame.Error toFrame() {
        return new ServerFrame.Error(code, getMessage(), clientMsgId, null);
    }
}
