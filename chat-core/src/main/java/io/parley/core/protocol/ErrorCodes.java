package io.parley.core.protocol;

/** The {@code code} values of {@code error} frames; docs/protocol.md lists them for client authors. */
public final class ErrorCodes {
    /** Malformed JSON, unknown type, missing or invalid field. */
    public static final String BAD_FRAME = "bad_frame";
    /** Message text longer than the limit (4000 characters by default). */
    public static final String MESSAGE_TOO_LONG = "message_too_long";
    /** Too many messages; retry after {@code retryAfterMs}. */
    public static final String RATE_LIMITED = "rate_limited";
    /** The message could not be stored; nothing was kept, send the same clientMsgId again. */
    public static final String STORE_FAILED = "store_failed";
    /** {@code cancel} named no reply that is being streamed. */
    public static final String NOTHING_TO_CANCEL = "nothing_to_cancel";
    /** {@code hello} sent twice. */
    public static final String ALREADY_STARTED = "already_started";
    /** Something failed on the server; the request may be retried. */
    public static final String INTERNAL = "internal";
    /** An agent frame the operator's role does not permit (e.g. a viewer sending {@code message}). */
    public static final String FORBIDDEN = "forbidden";

    /** An agent named a conversation that does not exist in its workspace. */
    public static final String NOT_FOUND = "not_found";
    /** An agent's takeover of a conversation another agent holds. */
    public static final String ASSIGNED_TO_ANOTHER = "assigned_to_another";
    /** An agent's message or release in a conversation it has not taken over. */
    public static final String NOT_ASSIGNED = "not_assigned";
    /** An agent's message reusing a clientMsgId another participant already used in the conversation. */
    public static final String CLIENT_MSG_ID_TAKEN = "client_msg_id_taken";

    private ErrorCodes() {
    }
}
