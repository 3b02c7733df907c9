package io.parley.gateway.api.bots;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The checks of what administrators may allow: browser origins ({@code https://host[:port]}, exactly) and
 * the base URL of an OpenAI-compatible upstream. Plain {@code http://} only for the local machine, where
 * development servers run without TLS.
 */
final class AllowedOrigins {
    static final int MAX_LENGTH = 300;
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
    private static final Pattern ORIGIN = Pattern.compile(
            "(?i)(https?)://(\\[[0-9a-f:.]+\\]|" + LABEL + "(?:\\." + LABEL + ")*)(?::([0-9]{1,5}))?");

    private AllowedOrigins() {
    }

    /** An origin or, when it cannot be allowed, why. */
    record Checked(@Nullable String origin, @Nullable String problem) {
        static Checked ok(String origin) {
            return new Checked(origin, null);
        }

        static Checked refused(String problem) {
            return new Checked(null, problem);
        }
    }

    /**
     * The origin as a browser sends it, normalised: scheme and host in lower case, the default port
     * dropped ({@code https://Shop.Example:443} → {@code https://shop.example}).
     */
    static Checked origin(@Nullable String origin) {
        if (origin == null || origin.isBlank()) {
            return Checked.refused("Give an origin such as https://www.example.com.");
        }
        if (origin.strip().equalsIgnoreCase("null")) {
            return Checked.refused("The null origin (sandboxed frames, local files) cannot be allowed.");
        }
        if (origin.contains("*")) {
            return Checked.refused("Wildcards are not allowed; list each origin.");
        }
        if (origin.length() > MAX_LENGTH) {
            return Checked.refused("An origin has at most " + MAX_LENGTH + " characters.");
        }
        Matcher matcher = ORIGIN.matcher(origin);
        if (!matcher.matches()) {
            return Checked.refused("Give exactly scheme://host[:port], such as https://www.example.com: no path, "
                    + "query, trailing slash or user name.");
        }
        String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
        String host = matcher.group(2).toLowerCase(Locale.ROOT);
        int port = matcher.group(3) == null ? -1 : Integer.parseInt(matcher.group(3));
        if (matcher.group(3) != null && (port < 1 || port > 65535)) {
            return Checked.refused("A port is 1 to 65535.");
        }
        if (scheme.equals("http") && !LOCAL_HOSTS.contains(host)) {
            return Checked.refused("Use https://; http:// is allowed only for localhost, 127.0.0.1 and [::1].");
        }
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return Checked.ok(scheme + "://" + host + (defaultPort ? "" : ":" + port));
    }

    /** Why {@code url} cannot be an upstream base URL; null when it can. */
    static @Nullable String baseUrlProblem(String url) {
        String https = "Give an https:// URL such as https://api.openai.com/v1 (http:// only for localhost or 127.0.0.1).";
        if (url.length() > 2000) {
            return "A URL has at most 2000 characters.";
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return https;
            }
            if (scheme.equals("https") || (scheme.equals("http") && LOCAL_HOSTS.contains(host))) {
                return null;
            }
            return https;
        } catch (URISyntaxException e) {
            return https;
        }
    }
}
