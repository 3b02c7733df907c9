package io.parley.gateway.testing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client addresses for tests that come "through the trusted loopback proxy" (X-Forwarded-For). Per-address
 * throttles and lockouts are shared by every test of the JVM (one Redis prefix), so each caller gets an
 * address no other caller of this JVM gets; the random start keeps runs apart in the shared database's audit.
 */
public final class TestAddresses {
    private static final int SPACE = 1 << 22; // 100.64.0.0/10
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPACE));

    private TestAddresses() {
    }

    /** An IPv4 address in 100.64.0.0/10 handed out once in this JVM. */
    public static String unique() {
        int n = Math.floorMod(NEXT.getAndIncrement(), SPACE);
        return "100." + (64 + (n >>> 16)) + "." + ((n >>> 8) & 0xff) + "." + (n & 0xff);
    }
}
