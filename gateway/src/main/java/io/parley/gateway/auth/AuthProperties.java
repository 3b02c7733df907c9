package io.parley.gateway.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Operator login. {@code baseUrl} is the console's public address: every link Parley mails is built
 * from it, never from the request's Host header; it is also the access tokens' issuer.
 * {@code signingKeysFile} is a JWK set of private EC P-256 keys, each with a kid: the first signs,
 * all verify (see {@link io.parley.gateway.auth.session.SigningKeys}).
 */
@Validated
@ConfigurationProperties("parley.auth")
public record AuthProperties(
        @NotNull URI baseUrl,
        @DefaultValue("open") Signup signup,
        @DefaultValue("15m") Duration magicLinkLifetime,
        @DefaultValue("15m") Duration accessTokenLifetime,
        @DefaultValue("30d") Duration refreshTokenLifetime,
        @NotNull Path signingKeysFile,
        @NotBlank String mailFrom) {

    public AuthProperties {
        if (baseUrl != null && (!"https".equalsIgnoreCase(baseUrl.getScheme()) || baseUrl.getHost() == null
                || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null)) {
            throw new IllegalArgumentException("parley.auth.base-url must be an https URL without query or fragment: "
                    + baseUrl);
        }
        for (Duration lifetime : new Duration[] {magicLinkLifetime, accessTokenLifetime, refreshTokenLifetime}) {
            if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
                throw new IllegalArgumentException("parley.auth lifetimes must be positive");
            }
        }
    }

    /** {@code baseUrl} + {@code path}, with exactly one slash between them. */
    public String link(String path) {
        String base = baseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /** The access tokens' {@code iss}: the base URL without a trailing slash. */
    public String issuer() {
        return link("");
    }

    /** The scheme, host and port of {@code baseUrl}, e.g. for a page's form-action. */
    public String origin() {
        return baseUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + baseUrl.getRawAuthority();
    }

    /** Who may create an account by redeeming a magic link for an unknown address. */
    public enum Signup {
        /** Anyone: the new operator gets a workspace of their own, as its owner. */
        OPEN,
        /** Nobody: only operators that already exist (created by an owner, or by create-owner) log in. */
        INVITE_ONLY
    }
}
