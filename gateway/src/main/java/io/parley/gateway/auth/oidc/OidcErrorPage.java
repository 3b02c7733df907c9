package io.parley.gateway.auth.oidc;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;

/** The plain page an OIDC login that did not work ends on: no detail of what went wrong, never cached. */
final class OidcErrorPage {
    static final String FAILED = "Logging in did not work. Go back to the login page and try again.";
    static final String SIGNUP_CLOSED =
            "This Parley is invite-only and this account has no access: ask a workspace owner for an invitation.";
    static final String DISABLED = "This account is disabled.";

    private OidcErrorPage() {
    }

    static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String text) {
        String html = """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex"><title>Cannot log in</title></head>
                <body><main><h1>Cannot log in</h1>
                <p>%s</p>
                </main></body>
                </html>
                """.formatted(HtmlUtils.htmlEscape(text));
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
        headers.setCacheControl("no-store");
        headers.setContentLength(body.length);
        // the callback's URL holds the code and state: never sent on as a Referer
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Robots-Tag", "noindex");
        headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
