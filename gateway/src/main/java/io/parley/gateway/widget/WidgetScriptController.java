package io.parley.gateway.widget;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves {@code /widget.js}, the script of the embed line, from the jar: gzipped when the browser accepts
 * it, cacheable for {@code parley.widget.script-max-age} and then revalidated by ETag. No CORS: a
 * {@code <script>} tag does not need it; {@code Cross-Origin-Resource-Policy: cross-origin} lets pages that
 * require it (COEP) load the script from another origin.
 */
@RestController
class WidgetScriptController {
    static final String PATH = "/widget.js";
    static final MediaType JAVASCRIPT = new MediaType("text", "javascript", StandardCharsets.UTF_8);

    private final StaticAsset script = StaticAsset.load("widget/widget.js");
    private final CacheControl caching;

    WidgetScriptController(WidgetProperties properties) {
        this.caching = CacheControl.maxAge(properties.scriptMaxAge()).cachePublic();
    }

    @GetMapping(PATH)
    ResponseEntity<byte[]> script(ServerHttpRequest request) {
        boolean gzip = acceptsGzip(request.getHeaders().getOrEmpty(HttpHeaders.ACCEPT_ENCODING));
        String etag = gzip ? script.gzipEtag() : script.etag();
        boolean unchanged = notModified(request.getHeaders().getIfNoneMatch());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(unchanged ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
                .eTag(etag)
                .cacheControl(caching)
                .varyBy(HttpHeaders.ACCEPT_ENCODING)
                .header("Cross-Origin-Resource-Policy", "cross-origin");
        if (unchanged) {
            return response.build();
        }
        if (gzip) {
            response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        return response.contentType(JAVASCRIPT).body(gzip ? script.gzipped() : script.identity());
    }

    private boolean notModified(List<String> ifNoneMatch) {
        // either representation's ETag: a cache may hold the other encoding of the same content
        return ifNoneMatch.stream().anyMatch(tag -> tag.equals("*") || tag.equals(script.etag())
                || tag.equals(script.gzipEtag()) || tag.equals("W/" + script.etag())
                || tag.equals("W/" + script.gzipEtag()));
    }

    /** Whether {@code Accept-Encoding} lists gzip (or *) without {@code q=0}. */
    static boolean acceptsGzip(List<String> acceptEncoding) {
        for (String header : acceptEncoding) {
            for (String coding : header.split(",")) {
                String[] parts = coding.trim().toLowerCase(Locale.ROOT).split(";");
                String name = parts[0].trim();
                if (!name.equals("gzip") && !name.equals("*")) {
                    continue;
                }
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].replace(" ", "");
                    if (parameter.startsWith("q=")) {
                        refused = parameter.substring(2).matches("0(\\.0{0,3})?");
                    }
                }
                return !refused;
            }
        }
        return false;
    }
}
