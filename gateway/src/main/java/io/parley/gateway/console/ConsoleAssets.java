package io.parley.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;

/**
 * The console's files, read once from {@code classpath:console/} at startup and kept in memory (a few
 * tens of kilobytes). Each has a strong ETag (its SHA-256); {@link #version()} is a hash of them all,
 * which the page puts into its asset URLs ({@code ?v=…}) so that a new release is never served from an
 * old cache. The page itself is {@code index.html} with {@code {{version}}} filled in.
 */
final class ConsoleAssets {
    static final String PAGE = "index.html";
    /** Only plain names: no directories, no dot files, nothing a path could climb out with. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}\\.(?:js|css|svg)");
    private static final Map<String, MediaType> TYPES = Map.of(
            "html", MediaType.parseMediaType("text/html;charset=UTF-8"),
            "js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "css", MediaType.parseMediaType("text/css;charset=UTF-8"),
            "svg", MediaType.parseMediaType("image/svg+xml"));

    record Asset(byte[] body, MediaType type, String etag) {
    }

    private final Map<String, Asset> assets;
    private final Asset page;
    private final String version;

    private ConsoleAssets(Map<String, Asset> assets, Asset page, String version) {
        this.assets = assets;
        this.page = page;
        this.version = version;
    }

    /** Reads every file of {@code classpath:console/}; fails at startup when the page is missing. */
    static ConsoleAssets load() {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath:console/*")) {
                String name = resource.getFilename();
                if (name != null && (name.equals(PAGE) || NAME.matcher(name).matches())) {
                    try (InputStream in = resource.getInputStream()) {
                        files.put(name, in.readAllBytes());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's files from classpath:console/", e);
        }
        byte[] template = files.remove(PAGE);
        if (template == null) {
            throw new IllegalStateException("classpath:console/" + PAGE + " is missing");
        }
        MessageDigest all = sha256();
        Map<String, Asset> assets = new TreeMap<>();
        files.forEach((name, body) -> {
            all.update(name.getBytes(StandardCharsets.UTF_8));
            all.update(body);
            assets.put(name, asset(body, TYPES.get(extension(name))));
        });
        String version = HexFormat.of().formatHex(all.digest()).substring(0, 16);
        byte[] page = new String(template, StandardCharsets.UTF_8).replace("{{version}}", version)
                .getBytes(StandardCharsets.UTF_8);
        return new ConsoleAssets(Map.copyOf(assets), asset(page, TYPES.get("html")), version);
    }

    Asset page() {
        return page;
    }

    Optional<Asset> asset(String name) {
        return NAME.matcher(name).matches() ? Optional.ofNullable(assets.get(name)) : Optional.empty();
    }

    String version() {
        return version;
    }

    private static Asset asset(byte[] body, MediaType type) {
        return new Asset(body, type, "\"" + HexFormat.of().formatHex(sha256().digest(body)).substring(0, 32) + "\"");
    }

    private static String extension(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
