package io.parley.gateway.ws;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.WebSocketMessage;

/**
 * A WebSocket message as every Parley socket reads it: its type, and for a text message its text,
 * decoded strictly (never with replacement characters) so that invalid UTF-8 can be refused (1007).
 */
public record InboundMessage(WebSocketMessage.Type type, String text, boolean validUtf8) {

    private static final ThreadLocal<CharsetDecoder> STRICT_UTF8 = ThreadLocal.withInitial(() ->
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    /** Reads the message now: its payload is released once the receiving operator returns. */
    public static InboundMessage of(WebSocketMessage message) {
        if (message.getType() != WebSocketMessage.Type.TEXT) {
            return new InboundMessage(message.getType(), "", true);
        }
        DataBuffer payload = message.getPayload();
        byte[] bytes = new byte[payload.readableByteCount()];
        payload.read(bytes);
        try {
            return new InboundMessage(WebSocketMessage.Type.TEXT,
                    STRICT_UTF8.get().decode(ByteBuffer.wrap(bytes)).toString(), true);
        } catch (CharacterCodingException e) {
            return new InboundMessage(WebSocketMessage.Type.TEXT, "", false);
        }
    }
}
