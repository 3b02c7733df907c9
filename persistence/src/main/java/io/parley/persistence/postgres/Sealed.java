package io.parley.persistence.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Every column encrypted at rest (bytea: Tink's 5-byte prefix naming the key, then the AES-GCM
 * ciphertext), with the columns that identify its row. A value's associated data is its table, column
 * and row key, so a ciphertext copied to another row or column does not decrypt. The adapters and the
 * re-encryption job both use this list, so they always agree on the associated data.
 */
enum Sealed {
    EVENT_TEXT("events", "text", "conversation_id", "seq"),
    VISITOR_EXTERNAL_ID("visitors", "external_id", "id"),
    VISITOR_EMAIL("visitors", "email", "id"),
    VISITOR_NAME("visitors", "name", "id"),
    VISITOR_PHONE("visitors", "phone", "id"),
    VISITOR_IP_ADDRESS("visitors", "ip_address", "id"),
    BOT_OPENAI_API_KEY("bots", "openai_api_key", "id"),
    IDENTITY_SECRET("bot_identity_secrets", "secret", "id"),
    OPERATOR_EMAIL("operators", "email", "id"),
    OPERATOR_IDENTITY_SUBJECT("operator_identities", "subject", "issuer", "subject_index"),
    INVITE_EMAIL("invites", "email", "id"),
    MAGIC_LINK_EMAIL("magic_links", "email", "token_hash");

    private static final HexFormat HEX = HexFormat.of();

    final String table;
    final String column;
    final List<String> rowKey;

    Sealed(String table, String column, String... rowKey) {
        this.table = table;
        this.column = column;
        this.rowKey = List.of(rowKey);
    }

    /** {@code table.column}, as errors and the status command name it. */
    String field() {
        return table + "." + column;
    }

    /** The associated data of the value in the row whose key columns hold {@code rowKey} (in {@link #rowKey}'s order). */
    byte[] associatedData(Object... rowKey) {
        if (rowKey.length != this.rowKey.size()) {
            throw new IllegalArgumentException(field() + " is keyed by " + this.rowKey + ", got " + rowKey.length
                    + " value(s)");
        }
        StringBuilder data = new StringBuilder("parley\0").append(field());
        for (Object part : rowKey) {
            data.append('\0').append(text(part));
        }
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The row key as an error message shows it. */
    static String describe(Object... rowKey) {
        StringBuilder row = new StringBuilder();
        for (Object part : rowKey) {
            row.append(row.isEmpty() ? "" : ", ").append(text(part));
        }
        return "(" + row + ")";
    }

    private static String text(Object part) {
        if (part instanceof byte[] bytes) {
            return HEX.formatHex(bytes);
        }
        if (part instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return HEX.formatHex(bytes);
        }
        return part.toString();
    }
}
