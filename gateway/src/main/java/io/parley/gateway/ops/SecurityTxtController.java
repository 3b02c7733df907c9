package io.parley.gateway.ops;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves {@code /.well-known/security.txt} (RFC 9116). */
@RestController
public class SecurityTxtController {

    static final String PATH = "/.well-known/security.txt";

    private static final MediaType TEXT_PLAIN_UTF8 = new MediaType(MediaType.TEXT_PLAIN,
            java.nio.charset.StandardCharsets.UTF_8);

    private final SecurityTxtProperties properties;
    private final Clock clock = Clock.systemUTC();

    public SecurityTxtController(SecurityTxtProperties properties) {
        this.properties = properties;
    }

    @GetMapping(PATH)
    public ResponseEntity<String> securityTxt(ServerHttpRequest request) {
        Instant expires = clock.instant().plus(properties.validity()).truncatedTo(ChronoUnit.SECONDS);
        URI canonical = properties.canonical() != null
                ? properties.canonical()
                : URI.create("https://" + request.getURI().getRawAuthority() + PATH);
        String body = "Contact: " + properties.contact() + "\n"
                + "Expires: " + DateTimeFormatter.ISO_INSTANT.format(expires) + "\n"
                + "Policy: " + properties.policy() + "\n"
                + "Preferred-Languages: " + properties.preferredLanguages() + "\n"
                + "Canonical: " + canonical + "\n";
        return ResponseEntity.ok().contentType(TEXT_PLAIN_UTF8).body(body);
    }
}
