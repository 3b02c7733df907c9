package io.parley.gateway.widget;

import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code /demo}: a page embedding the widget with {@code parley.widget.demo-key}, served only where
 * {@code parley.widget.demo-page} is on (the {@code dev} profile); elsewhere the path is a 404. The page
 * proves the widget works under a strict policy of its own: scripts and styles from this origin only,
 * nothing inline, Trusted Types required, no framing.
 */
@RestController
@ConditionalOnBooleanProperty("parley.widget.demo-page")
class DemoPageController {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);
    private static final MediaType CSS = new MediaType("text", "css", StandardCharsets.UTF_8);

    private final String page;
    private final StaticAsset script = StaticAsset.load("widget/demo/demo.js");
    private final StaticAsset styles = StaticAsset.load("widget/demo/demo.css");

    DemoPageController(WidgetProperties properties) {
        String template = new String(StaticAsset.load("widget/demo/demo.html").identity(), StandardCharsets.UTF_8);
        this.page = template.replace("{{KEY}}", HtmlUtils.htmlEscape(properties.demoKey()));
    }

    @GetMapping("/demo")
    ResponseEntity<String> page() {
        return ResponseEntity.ok()
                .contentType(HTML)
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Robots-Tag", "noindex")
                .body(page);
    }

    @GetMapping("/demo/demo.js")
    ResponseEntity<byte[]> script() {
        return asset(WidgetScriptController.JAVASCRIPT, script);
    }

    @GetMapping("/demo/demo.css")
    ResponseEntity<byte[]> styles() {
        return asset(CSS, styles);
    }

    private static ResponseEntity<byte[]> asset(MediaType type, StaticAsset asset) {
        return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.noCache()).eTag(asset.etag())
                .body(asset.identity());
    }
}
