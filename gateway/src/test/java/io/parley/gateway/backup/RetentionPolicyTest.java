package io.parley.gateway.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The retention rules on names with faked ages: keep < 1 day, one a day up to 7 days, delete > 7 days, never the newest. */
class RetentionPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static BackupName aged(Duration age) {
        return BackupName.at(NOW.minus(age));
    }

    private static BackupName at(String instant) {
        return BackupName.at(Instant.parse(instant));
    }

    private static Set<BackupName> deleted(BackupName... backups) {
        return RetentionPolicy.toDelete(Arrays.asList(backups), NOW);
    }

    private static Duration days(double days) {
        return Duration.ofSeconds(Math.round(days * 86_400));
    }

    @Test
    void anEmptyDirectoryDeletesNothing() {
        assertThat(RetentionPolicy.toDelete(List.of(), NOW)).isEmpty();
    }

    @Test
    void aSingleBackupIsNeverDeletedHoweverOld() {
        assertThat(deleted(aged(days(30)))).isEmpty();
        assertThat(deleted(aged(days(3)))).isEmpty();
        assertThat(deleted(aged(Duration.ofMinutes(1)))).isEmpty();
    }

    @Test
    void ofOnlyOldBackupsTheNewestIsKeptAndTheOthersGo() {
        BackupName newest = aged(days(8));
        BackupName older = aged(days(9));
        BackupName oldest = aged(days(40));

        assertThat(deleted(oldest, newest, older)).containsExactly(oldest, older);
    }

    @Test
    void everyBackupYoungerThanADayIsKeptEvenManyOnOneDay() {
        List<BackupName> hourly = java.util.stream.IntStream.range(0, 24)
                .mapToObj(hour -> aged(Duration.ofHours(hour).plusMinutes(5))).toList();
        BackupName justUnderADay = aged(Duration.ofDays(1).minusMillis(1));

        Set<BackupName> doomed = RetentionPolicy.toDelete(
                java.util.stream.Stream.concat(hourly.stream(), java.util.stream.Stream.of(justUnderADay)).toList(), NOW);

        assertThat(doomed).isEmpty();
    }

    @Test
    void olderThanSevenDaysIsDeletedWhileExactlySevenDaysStillCountsAsTheWeek() {
        BackupName newest = aged(Duration.ofHours(1));
        BackupName exactlySeven = aged(Duration.ofDays(7));
        BackupName justOverSeven = aged(Duration.ofDays(7).plusMillis(1));

        assertThat(deleted(newest, exactlySeven, justOverSeven)).containsExactly(justOverSeven);
    }

    @Test
    void betweenOneAndSevenDaysOnlyTheNewestOfEachUtcDayStays() {
        // NOW is 2026-11-29 12:00 UTC
        BackupName today = at("2026-11-29T11:00:00Z");
        BackupName nov27late = at("2026-11-27T23:59:59.999Z");
        BackupName nov27noon = at("2026-11-27T12:00:00Z");
        BackupName nov27early = at("2026-11-27T00:00:00Z");
        BackupName nov25 = at("2026-11-25T06:00:00Z");
        BackupName nov23late = at("2026-11-23T18:00:00Z");
        BackupName nov23early = at("2026-11-23T01:00:00Z");

        assertThat(deleted(today, nov27late, nov27noon, nov27early, nov25, nov23late, nov23early))
                .containsExactly(nov23early, nov27early, nov27noon);
    }

    @Test
    void exactlyOneDayOldIsNoLongerKeptForItsAgeAlone() {
        // all on 2026-11-28: 12:00:00.001 is younger than a day (kept, and the newest of that day), so
        // 12:00:00.000, exactly a day old, falls under the one-a-day rule like 09:00
        BackupName youngerThanADay = aged(Duration.ofDays(1).minusMillis(1));
        BackupName exactlyADay = aged(Duration.ofDays(1));
        BackupName earlierThatDay = aged(Duration.ofDays(1).plusHours(3));

        assertThat(deleted(youngerThanADay, exactlyADay, earlierThatDay)).containsExactly(earlierThatDay, exactlyADay);
        // without the younger one, the exactly-one-day-old backup is the newest of its day and stays
        assertThat(deleted(aged(Duration.ofHours(1)), exactlyADay, earlierThatDay)).containsExactly(earlierThatDay);
    }

    @Test
    void aDayWhoseNewestBackupIsYoungerThanADayKeepsOnlyThat() {
        // 2026-11-28 20:00 is 16 h old; earlier ones that day are older than a day and are covered by it
        BackupName evening = at("2026-11-28T20:00:00Z");
        BackupName morning = at("2026-11-28T08:00:00Z");
        BackupName night = at("2026-11-28T01:00:00Z");

        assertThat(deleted(evening, morning, night)).containsExactly(night, morning);
    }

    @Test
    void theNewestIsKeptEvenWhenItIsNotTheNewestOfItsDayRuleThatWouldApply() {
        BackupName newest = aged(days(10));
        BackupName sameDayEarlier = BackupName.at(newest.createdAt().minus(Duration.ofHours(1)));

        assertThat(deleted(newest, sameDayEarlier)).containsExactly(sameDayEarlier);
    }

    @Test
    void aBackupFromTheFutureCountsAsYoungAndIsTheNewest() {
        BackupName future = aged(Duration.ofHours(-2));
        BackupName old = aged(days(8));

        assertThat(deleted(future, old)).containsExactly(old);
    }

    @Test
    void aWeekOfHourlyBackupsShrinksToTheLastDayPlusOneADay() {
        List<BackupName> hourly = java.util.stream.IntStream.range(0, 24 * 10)
                .mapToObj(hour -> aged(Duration.ofHours(hour))).toList();

        Set<BackupName> doomed = RetentionPolicy.toDelete(hourly, NOW);
        List<BackupName> kept = hourly.stream().filter(b -> !doomed.contains(b)).sorted().toList();

        // 24 of the last day (ages 0..23 h) plus, for each older UTC day within 7 days, its 23:00 backup
        assertThat(kept.stream().filter(b -> Duration.between(b.createdAt(), NOW).compareTo(Duration.ofDays(1)) < 0))
                .hasSize(24);
        Set<String> dailyKeepers = kept.stream()
                .filter(b -> Duration.between(b.createdAt(), NOW).compareTo(Duration.ofDays(1)) >= 0)
                .map(b -> b.createdAt().toString()).collect(Collectors.toSet());
        assertThat(dailyKeepers).containsExactlyInAnyOrder("2026-11-27T23:00:00Z", "2026-11-26T23:00:00Z",
                "2026-11-25T23:00:00Z", "2026-11-24T23:00:00Z", "2026-11-23T23:00:00Z", "2026-11-22T23:00:00Z");
        assertThat(kept).allMatch(b -> Duration.between(b.createdAt(), NOW).compareTo(Duration.ofDays(7)) <= 0);
        // applying the policy again to what it kept deletes nothing more
        assertThat(RetentionPolicy.toDelete(kept, NOW)).isEmpty();
    }
}
