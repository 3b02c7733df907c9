package io.parley.gateway.ws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Exact origin matching: scheme, host and port must all be equal (default ports made explicit). */
public final class Origins {
    private Origins() {
    }

    public static boolean allowed(String origin, Set<String> allowedOrigins) {
        Optional<String> normalized = normalize(origin);
        return normalized.isPresent()
                && allowedOrigins.stream().map(Origins::normalize).anyMatch(normalized::equals);
    }

    public static Optional<String> normalize(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            if (port == -1) {
                port = switch (scheme) {
                    case "https" -> 443;
                    case "http" -> 80;
                    default -> -1;
                };
            }
            return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
