package io.parley.gateway.logging;

import io.parley.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * With file logs on, one line a second after each midnight UTC. A log file rolls over, and files past
 * their 7 days are deleted, only when a line is written: this line makes that happen every day, even
 * on a node with nothing else to say.
 */
public final class DailyLogLine {
    private static final Logger LOG = LoggerFactory.getLogger(DailyLogLine.class);

    private DailyLogLine() {
    }

    /** Starts the daily line; dispose of the result to stop it. */
    public static Disposable start(Clock clock) {
        return Mono.defer(() -> Mono.delay(untilNextDay(clock.now())))
                .doOnNext(tick -> LOG.info("log day {} begins (UTC)", LocalDate.ofInstant(clock.now(), ZoneOffset.UTC)))
                .repeat()
                .subscribe();
    }

    /** From {@code now} to a second after the next midnight UTC. */
    static Duration untilNextDay(Instant now) {
        Instant next = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                .plusSeconds(1);
        return Duration.between(now, next);
    }
}
