package io.parley.gateway.widget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.springframework.core.io.ClassPathResource;

/**
 * A file from the classpath held in memory, as is and gzipped, with a strong ETag per representation
 * (the hash of its content), so browsers revalidate cheaply and a new release is never served stale.
 */
record StaticAsset(byte[] identity, byte[] gzipped, String etag, String gzipEtag) {

    static StaticAsset load(String classpathLocation) {
        try (InputStream in = new ClassPathResource(classpathLocation).getInputStream()) {
            byte[] content = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 12);
            return new StaticAsset(content, gzip(content), "\"" + hash + "\"", "\"" + hash + "-gz\"");
        } catch (IOException e) {
            throw new UncheckedIOException("missing from the jar: " + classpathLocation, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 3);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(content);
        }
        return out.toByteArray();
    }
}
