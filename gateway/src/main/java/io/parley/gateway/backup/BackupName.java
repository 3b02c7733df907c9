package io.parley.gateway.backup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's file name, {@code parley-20261129T030000.123Z.pgdump.tink}: the UTC time it was created
 * (to the millisecond), which is also its age for retention. The name is the ciphertext's associated
 * data, so a file renamed to another time no longer decrypts.
 */
record BackupName(String fileName, Instant createdAt) implements Comparable<BackupName> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("parley-(\\d{8}T\\d{6}\\.\\d{3}Z)\\.pgdump\\.tink");
    private static final String FORMAT = "parley-backup-v1";

    static BackupName at(Instant createdAt) {
        Instant millis = createdAt.truncatedTo(ChronoUnit.MILLIS);
        return new BackupName("parley-" + TIME.format(millis) + ".pgdump.tink", millis);
    }

    /** The backup this file name stands for; empty for any other file. */
    static Optional<BackupName> parse(String fileName) {
        Matcher matcher = NAME.matcher(fileName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BackupName(fileName, TIME.parse(matcher.group(1), Instant::from)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Binds the ciphertext to this name (and so to its creation time) and to the format. */
    byte[] associatedData() {
        return (FORMAT + "\n" + fileName).getBytes(StandardCharsets.UTF_8);
    }

    /** Oldest first. */
    @Override
    public int compareTo(BackupName other) {
        return createdAt.compareTo(other.createdAt);
    }

    @Override
    public String toString() {
        return fileName;
    }
}
