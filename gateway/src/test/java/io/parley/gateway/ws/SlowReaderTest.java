package io.parley.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.testing.WebSocketTestClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A visitor's tab that stops reading (a phone gone to sleep) while its conversation keeps getting
 * events: the server holds at most the per-connection bound for it (64 KiB here), then closes it
 * {@code 1008}; the conversation and its other readers carry on.
 */
@TestPropertySource(properties = "parley.ws.max-pending-bytes=65536")
class SlowReaderTest extends GatewayIntegrationTest {
    /** 4,000 three-byte characters: each message event is about 12 KB on the wire. */
    private static final String BIG = "€".repeat(4000);
    /** About 7 MB for the sleeping tab: more than the server's socket send buffer takes (Linux: 4 MB at most). */
    private static final int MESSAGES = 600;

    @Test
    void aTabThatStopsReadingIsClosed1008OnceItsPendingEventsPassTheBoundAndTheOthersCarryOn() throws IOException {
        String key = TestBots.create("synthetic", 0, 0, List.of(), true);
        try (VisitorSocket writer = VisitorSocket.open(CERTIFICATE, httpsPort, key, null)) {
            String token = writer.hello("{\"type\":\"hello\"}").next("welcome").get("visitorToken").asString();
            writer.send("{\"type\":\"handoff\"}"); // a human handles it: the bot does not answer the flood
            writer.send("{\"type\":\"message\",\"clientMsgId\":\"first\",\"text\":\"first\"}");
            String conversationId = writer.next("ack").get("conversationId").asString();

            try (SSLSocket sleeping = openNeverReading()) {
                OutputStream out = sleeping.getOutputStream();
                InputStream in = sleeping.getInputStream();
                out.write(("GET /ws/visitor?key=" + key + " HTTP/1.1\r\nHost: localhost:" + httpsPort
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: parley.v1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readHeaders(in)).startsWith("HTTP/1.1 101");
                writeText(out, "{\"type\":\"hello\",\"visitorToken\":\"" + token + "\",\"conversationId\":\""
                        + conversationId + "\",\"lastSeq\":2}");

                // from here on the sleeping tab reads nothing, while the writer fills the conversation
                for (int i = 0; i < MESSAGES; i++) {
                    writer.send("{\"type\":\"message\",\"clientMsgId\":\"m" + i + "\",\"text\":\"" + BIG + "\"}");
                }
                for (int i = 0; i < MESSAGES; i++) {
                    writer.next("ack");
                }

                assertThat(closeCodeAfterEverythingBuffered(in)).isEqualTo(1008);
            }
            writer.send("{\"type\":\"message\",\"clientMsgId\":\"after\",\"text\":\"still here\"}");
            assertThat(writer.next("ack").get("seq").asLong()).as("the conversation carries on")
                    .isGreaterThan(MESSAGES);
            assertThat(TestBots.seqs(conversationId)).hasSize(MESSAGES + 3); // handoff, first, flood, after
        }
    }

    /** A TLS socket with a small receive window, so that what it does not read backs up to the server soon. */
    private SSLSocket openNeverReading() throws IOException {
        SSLSocket socket = (SSLSocket) WebSocketTestClient.trusting(CERTIFICATE).getSocketFactory().createSocket();
        socket.setReceiveBufferSize(8 * 1024);
        socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
        socket.connect(new InetSocketAddress("localhost", httpsPort), 10_000);
        socket.startHandshake();
        return socket;
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    /** A masked, unfragmented text frame, as a client must send it. */
    private static void writeText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /** Reads the frames that piled up until the close frame; its status code (-1: none before the end). */
    private static int closeCodeAfterEverythingBuffered(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            int first;
            try {
                first = in.readUnsignedByte();
            } catch (java.io.EOFException end) {
                return -1;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if ((first & 0x0f) == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            }
        }
    }
}
