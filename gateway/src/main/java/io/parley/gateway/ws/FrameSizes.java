package io.parley.gateway.ws;

import io.parley.core.protocol.ServerFrame;

/** What a queued frame will take on the wire, roughly (UTF-8 of the text parts plus the JSON around them). */
public final class FrameSizes {

    private FrameSizes() {
    }

    public static long estimate(ServerFrame frame) {
        if (frame instanceof ServerFrame.ReplyDelta d) {
            return 96 + 3L * d.text().length();
        }
        if (frame instanceof ServerFrame.Message m) {
            return 256 + 3L * m.text().length();
        }
        if (frame instanceof ServerFrame.Pong p) {
            return 64 + (p.t() == null ? 0 : 3L * p.t().toString().length());
        }
        if (frame instanceof ServerFrame.Prepared p) {
            return 3L * p.json().length();
        }
        if (frame instanceof ServerFrame.Error e) {
            return 256 + 3L * e.message().length();
        }
        return 256;
    }
}
