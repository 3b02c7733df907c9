package io.parley.core.protocol;

/** WebSocket close codes of the protocol. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int UNSUPPORTED_DATA = 1003;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY = 1008;
    public static final int TOO_BIG = 1009;
    public static final int RESTARTING = 1012;
    public static final int NOT_AUTHENTICATED = 4401;
    public static final int FORBIDDEN = 4403;
    public static final int HELLO_TIMEOUT = 4408;
    public static final int TOO_MANY = 4429;

    private CloseCodes() {
    }
}
