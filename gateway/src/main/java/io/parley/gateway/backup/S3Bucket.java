package io.parley.gateway.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The copy of the backups in an S3-compatible bucket ({@code parley.backup.s3}): each backup is uploaded
 * as it is on disk (ciphertext) under {@code <prefix><name>}, in 64 MiB parts once it is larger than
 * that. Listing, reading and deleting work by the same names as in the directory.
 */
final class S3Bucket implements AutoCloseable {
    static final long PART_SIZE = 64L << 20;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final long partSize;

    S3Bucket(S3Client client, String bucket, String prefix, long partSize) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.partSize = partSize;
    }

    /** The bucket {@code settings} name, reached with their credentials (or the AWS default chain). */
    static S3Bucket of(BackupProperties.S3 settings) {
        return of(settings, PART_SIZE);
    }

    static S3Bucket of(BackupProperties.S3 settings, long partSize) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // plain request bodies: not every S3-compatible server decodes aws-chunked uploads
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // S3-compatible servers do not all know the newer integrity checksums; TLS and SigV4 cover the transfer
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!settings.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        if (!settings.accessKeyId().isBlank()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), secret(settings))));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return new S3Bucket(builder.build(), settings.bucket(), settings.prefix(), partSize);
    }

    private static String secret(BackupProperties.S3 settings) {
        Path file = settings.secretAccessKeyFile();
        if (file == null || file.toString().isBlank()) {
            throw new BackupException("parley.backup.s3.access-key-id is set, but not secret-access-key-file");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the S3 secret access key " + file, e);
        }
    }

    String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** Uploads the backup file under its name. */
    void upload(BackupName name, Path file) {
        try {
            long size = Files.size(file);
            if (size <= partSize) {
                client.putObject(put -> put.bucket(bucket).key(key(name)).contentType("application/octet-stream"),
                        RequestBody.fromFile(file));
            } else {
                uploadInParts(name, file, size);
            }
        } catch (SdkException | IOException | UncheckedIOException e) {
            throw new BackupException("uploading " + name + " to " + location() + " failed: " + e.getMessage(), e);
        }
    }

    private void uploadInParts(BackupName name, Path file, long size) {
        String uploadId = client.createMultipartUpload(create -> create.bucket(bucket).key(key(name))
                .contentType("application/octet-stream")).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long start = offset;
                long length = Math.min(partSize, size - offset);
                int partNumber = number;
                // a provider, not a stream: a retried part is read again from the file
                String etag = client.uploadPart(upload -> upload.bucket(bucket).key(key(name)).uploadId(uploadId)
                                .partNumber(partNumber).contentLength(length),
                        RequestBody.fromContentProvider(() -> slice(file, start, length), length,
                                "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(complete -> complete.bucket(bucket).key(key(name)).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (RuntimeException e) {
            // a failed upload leaves no parts behind to pay for
            try {
                client.abortMultipartUpload(abort -> abort.bucket(bucket).key(key(name)).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /** {@code length} bytes of {@code file} from {@code start}. */
    private static InputStream slice(Path file, long start, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(start);
            return new FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    left -= b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int count) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buffer, offset, (int) Math.min(count, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every backup in the bucket (under the prefix), with its size; other objects are left out. */
    List<Backups.Stored> list() {
        List<Backups.Stored> backups = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(list -> list.bucket(bucket).prefix(prefix)).contents()) {
                String name = object.key().substring(prefix.length());
                BackupName.parse(name).ifPresent(backup -> backups.add(new Backups.Stored(backup, object.size())));
            }
        } catch (SdkException e) {
            throw new BackupException("listing " + location() + " failed: " + e.getMessage(), e);
        }
        return backups;
    }

    /** The backup's ciphertext as it streams down; empty when the bucket does not have it. */
    Optional<InputStream> open(BackupName name) {
        try {
            return Optional.of(client.getObject(get -> get.bucket(bucket).key(key(name))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new BackupException("reading " + name + " from " + location() + " failed: " + e.getMessage(), e);
        }
    }

    void delete(BackupName name) {
        try {
            client.deleteObject(delete -> delete.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw new BackupException("deleting " + name + " from " + location() + " failed: " + e.getMessage(), e);
        }
    }

    private String key(BackupName name) {
        return prefix + name.fileName();
    }

    @Override
    public void close() {
        client.close();
    }
}
