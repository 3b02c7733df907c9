package io.parley.gateway.auth.magiclink;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * The small HTML pages of magic-link login. The confirm page only offers a POST form, so that mail
 * scanners prefetching the link consume nothing. Each page has a CSP of its own (forms may post to
 * this origin and the console's), is never cached and never leaks its URL (with the token) as a Referer.
 */
final class ConfirmPage {

    private ConfirmPage() {
    }

    static ResponseEntity<String> confirm(String token, String csrfToken, String consoleOrigin) {
        return page(HttpStatus.OK, consoleOrigin, "Log in to Parley", """
                <p>Press the button to log in. The link works once.</p>
                <form method="post" action="%s">
                <input type="hidden" name="token" value="%s">
                <input type="hidden" name="_csrf" value="%s">
                <button type="submit">Log in</button>
                </form>""".formatted(MagicLinkController.REDEEM_PATH, HtmlUtils.htmlEscape(token),
                HtmlUtils.htmlEscape(csrfToken)));
    }

    static ResponseEntity<String> message(HttpStatus status, String consoleOrigin, String title, String text) {
        return page(status, consoleOrigin, title, "<p>" + HtmlUtils.htmlEscape(text) + "</p>");
    }

    private static ResponseEntity<String> page(HttpStatus status, String consoleOrigin, String title, String body) {
        String html = """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex"><title>%1$s</title></head>
                <body><main><h1>%1$s</h1>
                %2$s
                </main></body>
                </html>
                """.formatted(HtmlUtils.htmlEscape(title), body);
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Referrer-Policy", "no-referrer")
                .header("X-Robots-Tag", "noindex")
                .header("Content-Security-Policy", "default-src 'none'; form-action 'self' " + consoleOrigin
                        + "; frame-ancestors 'none'; base-uri 'none'")
                .body(html);
    }
}
