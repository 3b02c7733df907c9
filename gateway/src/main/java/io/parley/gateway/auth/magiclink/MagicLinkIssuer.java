package io.parley.gateway.auth.magiclink;

import io.parley.core.port.Clock;
import io.parley.core.port.MagicLinks;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.session.OpaqueTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;

/**
 * Makes single-use login links: a fresh token, stored only as its hash, in a link on the configured
 * base URL (never the request's Host). The token exists in the returned link alone.
 */
public final class MagicLinkIssuer {
    public static final String CONFIRM_PATH = "/login/magic";

    private final MagicLinks magicLinks;
    private final AuthProperties auth;
    private final Clock clock;

    public MagicLinkIssuer(MagicLinks magicLinks, AuthProperties auth, Clock clock) {
        this.magicLinks = magicLinks;
        this.auth = auth;
        this.clock = clock;
    }

    /** {@code email} must be normalised ({@link EmailAddresses}). */
    public Mono<String> issue(String email) {
        String token = OpaqueTokens.generate();
        return magicLinks.store(OpaqueTokens.hash(token), email, clock.now().plus(auth.magicLinkLifetime()))
                .thenReturn(auth.link(CONFIRM_PATH) + "?token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII));
    }
}
