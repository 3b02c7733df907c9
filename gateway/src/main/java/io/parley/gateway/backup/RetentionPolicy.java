package io.parley.gateway.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which backups to delete, by the age their names carry:
 * <ul>
 * <li>younger than 1 day: kept, every one;</li>
 * <li>from 1 day to 7 days old (both included): kept if it is the newest backup created on its UTC
 * calendar day, deleted otherwise (one a day for the week);</li>
 * <li>older than 7 days: deleted;</li>
 * <li>the newest backup is never deleted, however old.</li>
 * </ul>
 * A backup "from the future" (a clock that ran ahead) counts as younger than 1 day.
 */
final class RetentionPolicy {
    static final Duration KEEP_ALL_YOUNGER_THAN = Duration.ofDays(1);
    static final Duration DELETE_OLDER_THAN = Duration.ofDays(7);

    private RetentionPolicy() {
    }

    /** The backups to delete now, oldest first. */
    static Set<BackupName> toDelete(Collection<BackupName> backups, Instant now) {
        if (backups.isEmpty()) {
            return Set.of();
        }
        BackupName newest = backups.stream().max(Comparator.naturalOrder()).orElseThrow();
        Map<LocalDate, BackupName> newestOfDay = new HashMap<>();
        for (BackupName backup : backups) {
            newestOfDay.merge(day(backup), backup, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        return backups.stream()
                .filter(backup -> !backup.equals(newest))
                .filter(backup -> {
                    Duration age = Duration.between(backup.createdAt(), now);
                    if (age.compareTo(KEEP_ALL_YOUNGER_THAN) < 0) {
                        return false;
                    }
                    if (age.compareTo(DELETE_OLDER_THAN) > 0) {
                        return true;
                    }
                    return !newestOfDay.get(day(backup)).equals(backup);
                })
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static LocalDate day(BackupName backup) {
        return LocalDate.ofInstant(backup.createdAt(), ZoneOffset.UTC);
    }
}
