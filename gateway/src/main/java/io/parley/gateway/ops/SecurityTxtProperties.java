package io.parley.gateway.ops;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Fields of {@code /.well-known/security.txt} (RFC 9116).
 *
 * @param contact where to report vulnerabilities ({@code mailto:} or {@code https:})
 * @param policy the disclosure policy
 * @param preferredLanguages comma-separated language tags
 * @param canonical the URL this file is published at; when absent, derived from the request
 * @param validity how far ahead of each request {@code Expires} lies; RFC 9116 §2.5.5 advises
 *     less than a year
 */
@Validated
@ConfigurationProperties("parley.security-txt")
public record SecurityTxtProperties(
        @DefaultValue("mailto:security@parley.example") @NotNull URI contact,
        @DefaultValue("https://parley.example/SECURITY.md") @NotNull URI policy,
        @DefaultValue("en") @NotBlank String preferredLanguages,
        @Nullable URI canonical,
        @DefaultValue("180d") @NotNull Duration validity) {

    @AssertTrue(message = "validity must be positive and shorter than 365 days")
    public boolean isValidityBelowOneYear() {
        return !validity.isNegative() && !validity.isZero() && validity.compareTo(Duration.ofDays(365)) < 0;
    }
}
