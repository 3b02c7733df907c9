package io.parley.gateway.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The metrics of one WebSocket endpoint ({@code endpoint} tag: visitor, agent): open connections, and the
 * WebSocket messages (text frames) received and sent.
 */
public final class SocketMeters {
    private final Counter received;
    private final Counter sent;

    public SocketMeters(MeterRegistry registry, String endpoint, Supplier<Number> openConnections) {
        Gauge.builder("parley.ws.connections", openConnections)
                .tag("endpoint", endpoint).description("open WebSocket connections").register(registry);
        this.received = Counter.builder("parley.ws.messages.received")
                .tag("endpoint", endpoint).description("text frames received from clients").register(registry);
        this.sent = Counter.builder("parley.ws.messages.sent")
                .tag("endpoint", endpoint).description("text frames sent to clients").register(registry);
    }

    void received() {
        received.increment();
    }

    void sent() {
        sent.increment();
    }
}
