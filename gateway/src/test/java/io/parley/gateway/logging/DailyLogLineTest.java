package io.parley.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The daily line comes a second after each midnight UTC, whatever the time it is computed at. */
class DailyLogLineTest {

    @Test
    void theNextLineIsASecondAfterTheNextMidnightUtc() {
        assertThat(DailyLogLine.untilNextDay(Instant.parse("2026-11-29T23:59:59Z"))).isEqualTo(Duration.ofSeconds(2));
        assertThat(DailyLogLine.untilNextDay(Instant.parse("2026-11-29T00:00:00Z")))
                .isEqualTo(Duration.ofDays(1).plusSeconds(1));
        assertThat(DailyLogLine.untilNextDay(Instant.parse("2026-11-30T00:00:01Z"))).isEqualTo(Duration.ofDays(1));
        assertThat(DailyLogLine.untilNextDay(Instant.parse("2026-12-31T12:00:00.5Z")))
                .isEqualTo(Duration.ofHours(12).plusMillis(500));
    }
}
