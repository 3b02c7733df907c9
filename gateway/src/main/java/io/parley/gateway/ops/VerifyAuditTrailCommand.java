package io.parley.gateway.ops;

import io.parley.gateway.config.DatabaseProperties;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.r2dbc.pool.ConnectionPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code admin verify-audit-trail}: walks the audit trail's hash chain from its first event and names
 * the first event whose link does not hold (edited, removed or inserted). Exit 0 when the chain
 * holds, 1 when it is broken or cannot be read, 2 for bad usage.
 */
public final class VerifyAuditTrailCommand {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private VerifyAuditTrailCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Only the configuration this command needs; deliberately not a component, so no scan finds it. */
    @EnableConfigurationProperties(DatabaseProperties.class)
    static class Settings {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> springArgs = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("--") ? springArgs : words).add(arg);
        }
        if (!words.equals(List.of("admin", "verify-audit-trail"))) {
            err.println("usage: admin verify-audit-trail [--spring.profiles.active=…]");
            return 2;
        }
        try (ConfigurableApplicationContext context = CommandContexts.start(Settings.class, springArgs)) {
            Optional<Long> broken = firstBrokenLink(context.getBean(DatabaseProperties.class));
            if (broken.isPresent()) {
                out.println("audit trail BROKEN: event " + broken.get()
                        + " does not follow from the events before it (edited, removed or inserted)");
                return 1;
            }
            out.println("audit trail intact: every event follows from the one before it");
            return 0;
        } catch (RuntimeException e) {
            err.println("verify-audit-trail failed: " + e.getMessage());
            return 1;
        }
    }

    private static Optional<Long> firstBrokenLink(DatabaseProperties db) {
        ConnectionPool pool = PostgresConnections.pool(db.r2dbcUrl(), db.username(), db.password(), 1);
        try {
            return PostgresAdapters.firstBrokenAuditLinkIn(pool).blockOptional(TIMEOUT);
        } finally {
            pool.dispose();
        }
    }
}
