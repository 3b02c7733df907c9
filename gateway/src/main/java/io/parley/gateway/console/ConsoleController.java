package io.parley.gateway.console;

import io.parley.gateway.auth.AuthProperties;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the console: the page at {@code /console}, its files at {@code /console/<name>}, and a redirect
 * from {@code /} (where a finished login lands) to the page.
 *
 * <p>The page's Content-Security-Policy allows scripts, styles and images of this origin only (no inline
 * code, no eval), connections to this origin and the agent socket at the console's origin, no framing, no
 * plugins, no base or form tricks, and DOM writes only as text (Trusted Types with no policy, so any
 * {@code innerHTML} of a string fails). The security filter adds nosniff, no-referrer and DENY framing.
 *
 * <p>Caching: the page and unversioned files are revalidated on every load ({@code no-cache}, ETag, 304);
 * a file requested with the page's current {@code ?v=} is immutable for a year.
 */
@Hidden // pages, not part of the REST API's document
@RestController
public class ConsoleController {
    static final String PATH = "/console";
    private static final CacheControl IMMUTABLE = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();

    private final ConsoleAssets assets = ConsoleAssets.load();
    private final String policy;

    public ConsoleController(AuthProperties auth) {
        this.policy = policy(auth);
    }

    static String policy(AuthProperties auth) {
        String socketOrigin = "wss://" + auth.baseUrl().getRawAuthority();
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' "
                + socketOrigin + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
                + "require-trusted-types-for 'script'; trusted-types 'none'";
    }

    @GetMapping("/")
    public ResponseEntity<Void> root() {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(PATH))
                .cacheControl(CacheControl.noStore()).build();
    }

    @GetMapping({PATH, PATH + "/"})
    public ResponseEntity<byte[]> page() {
        ConsoleAssets.Asset page = assets.page();
        return ResponseEntity.ok()
                .contentType(page.type())
                .cacheControl(CacheControl.noCache())
                .eTag(page.etag())
                .header("Content-Security-Policy", policy)
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("X-Robots-Tag", "noindex")
                .body(page.body());
    }

    @GetMapping(PATH + "/{name}")
    public ResponseEntity<byte[]> asset(@PathVariable String name,
                                        @RequestParam(name = "v", required = false) @Nullable String version) {
        return assets.asset(name)
                .map(asset -> ResponseEntity.ok()
                        .contentType(asset.type())
                        .cacheControl(assets.version().equals(version) ? IMMUTABLE : CacheControl.noCache())
                        .eTag(asset.etag())
                        .header("Cross-Origin-Resource-Policy", "same-origin")
                        .body(asset.body()))
                .orElseGet(() -> ResponseEntity.notFound().cacheControl(CacheControl.noStore()).build());
    }
}
