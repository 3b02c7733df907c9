package io.parley.gateway.backup;

import jakarta.validation.constraints.AssertTrue;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.validation.annotation.Validated;

/**
 * Encrypted backups (see docs/operations.md, "Backups").
 *
 * @param directory where backups are written, listed, restored from and pruned
 * @param keysetFile the Tink streaming-AEAD keyset (JSON), a secret injected at run time
 * @param schedule when this node's schedule creates and prunes a backup: a Spring cron expression in
 *     UTC (seconds first, e.g. {@code 0 0 3 * * *}), or {@code -} for no schedule
 * @param claimTtl how long the node that won a slot keeps it claimed in Redis; covers the clock
 *     differences between nodes, must be shorter than the time between two slots
 * @param timeout longest a {@code pg_dump} or {@code pg_restore} may run before it is stopped
 * @param pgBinDir the directory of {@code pg_dump}, {@code pg_restore} and {@code psql}; empty: the PATH
 * @param databaseUrl the libpq URL ({@code postgresql://…}) to dump; empty: derived from
 *     {@code parley.database.jdbc-url} and {@code username} (the password goes to PGPASSWORD)
 * @param s3 an S3-compatible bucket that receives a copy of every backup; off while its bucket is empty
 */
@Validated
@ConfigurationProperties("parley.backup")
public record BackupProperties(
        @Nullable Path directory,
        @Nullable Path keysetFile,
        @DefaultValue("-") String schedule,
        @DefaultValue("10m") Duration claimTtl,
        @DefaultValue("2h") Duration timeout,
        @DefaultValue("") String pgBinDir,
        @DefaultValue("") String databaseUrl,
        @DefaultValue S3 s3) {

    /**
     * An S3-compatible bucket (AWS S3, MinIO, Ceph, …) for a copy of every backup.
     *
     * @param bucket the bucket's name; empty: no bucket
     * @param endpoint the service's URL for an S3-compatible server ({@code https://minio.internal:9000}); empty: AWS
     * @param region the signing region (AWS: the bucket's region)
     * @param prefix put before every backup's name, e.g. {@code parley/prod/}
     * @param pathStyle {@code https://host/bucket/key} addresses instead of {@code https://bucket.host/key} (most
     *     S3-compatible servers)
     * @param accessKeyId with {@code secretAccessKeyFile}: these credentials; empty: the AWS default chain
     *     (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the container's or instance's role)
     * @param secretAccessKeyFile a file holding the secret access key, injected at run time
     */
    public record S3(
            @DefaultValue("") String bucket,
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("") String prefix,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("") String accessKeyId,
            @Nullable Path secretAccessKeyFile) {

        public boolean enabled() {
            return !bucket.isBlank();
        }

        @AssertTrue(message = "s3.endpoint must be an http(s) URL or empty")
        public boolean isEndpointValid() {
            return endpoint.isBlank() || endpoint.startsWith("https://") || endpoint.startsWith("http://");
        }
    }

    static final String OFF = "-";

    /** Whether the in-app schedule runs on this node. */
    public boolean scheduled() {
        return !OFF.equals(schedule.strip());
    }

    @AssertTrue(message = "schedule must be - (off) or a Spring cron expression such as \"0 0 3 * * *\"")
    public boolean isScheduleValid() {
        return !scheduled() || CronExpression.isValidExpression(schedule.strip());
    }

    @AssertTrue(message = "a schedule needs directory (PARLEY_BACKUP_DIR) and keyset-file (PARLEY_BACKUP_KEYSET)")
    public boolean isScheduleComplete() {
        return !scheduled() || (!unset(directory) && !unset(keysetFile));
    }

    /** Missing, empty, or a placeholder Spring left as it was because its variable is not set. */
    static boolean unset(@Nullable Path path) {
        return path == null || path.toString().isBlank() || path.toString().contains("${");
    }

    @AssertTrue(message = "claim-ttl and timeout must be positive")
    public boolean isTimingValid() {
        return !claimTtl.isNegative() && !claimTtl.isZero() && !timeout.isNegative() && !timeout.isZero();
    }

    @AssertTrue(message = "database-url must be a libpq URL (postgresql://…) or empty")
    public boolean isDatabaseUrlValid() {
        return databaseUrl.isBlank() || databaseUrl.startsWith("postgresql://") || databaseUrl.startsWith("postgres://");
    }
}
