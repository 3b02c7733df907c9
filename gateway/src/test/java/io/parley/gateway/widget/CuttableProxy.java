package io.parley.gateway.widget;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of the gateway, standing for the network between a browser and Parley: TLS stays
 * end to end (the browser talks to the gateway through it, trusting the gateway's certificate), while a
 * test breaks the network the ways a phone's does:
 * <ul>
 *   <li>{@link #cut()}: every open connection dies at once (reset), as when a phone changes networks;</li>
 *   <li>{@link #refuseNew(boolean)}: new connections are dropped as soon as they arrive (no network);</li>
 *   <li>{@link #freezeDownstream()}: what the gateway sends on the open connections no longer arrives, while
 *       what the browser sends still does: a message is stored but its ack is lost.</li>
 * </ul>
 * Connections opened after a freeze flow normally. {@link #target(int)} points new connections at another
 * node, as a load balancer does when a node leaves.
 */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private volatile int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<CountDownLatch> frozen = new AtomicReference<>(new CountDownLatch(0));
    private volatile boolean refusing;
    private volatile boolean closed;

    CuttableProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("proxy-accept", this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Sends new connections to the gateway node on {@code port} (open ones stay where they are). */
    void target(int port) {
        targetPort = port;
    }

    /** Resets every open connection, both ways. */
    void cut() {
        frozen.get().countDown();
        open.forEach(CuttableProxy::reset);
        open.clear();
    }

    void refuseNew(boolean refuse) {
        refusing = refuse;
    }

    /** Holds back everything the gateway sends on the connections open now; {@link #cut()} ends them. */
    void freezeDownstream() {
        frozen.set(new CountDownLatch(1));
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    reset(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                CountDownLatch freeze = frozen.get();
                daemon("proxy-up", () -> pump(client, server, null));
                daemon("proxy-down", () -> pump(server, client, freeze));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to}; downstream copies stop while the proxy is frozen (since their start). */
    private void pump(Socket from, Socket to, CountDownLatch startedUnder) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (startedUnder != null && frozen.get().getCount() > 0 && frozen.get() != startedUnder) {
                    frozen.get().await(); // frozen after this connection opened: hold its bytes until the cut
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side went away, or the test cut it
        } finally {
            reset(from);
            reset(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        cut();
    }
}
