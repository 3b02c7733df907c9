package io.parley.core.engine;

/** A session that may not start; {@link #closeCode()} is the WebSocket close code to send. */
public final class SessionRefusedException extends RuntimeException {
    private final int closeCode;

    public SessionRefusedException(int closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
