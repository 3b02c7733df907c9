package io.parley.gateway.auth.apikey;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code parley.auth.api-key-pepper-file}: at least 32 random bytes in base64, injected at run time.
 * {@code parley.auth.api-key-rotation-overlap}: how long a rotated key keeps working when the rotation
 * names no overlap of its own (default 24 h).
 */
@Validated
@ConfigurationProperties("parley.auth")
public record ApiKeyProperties(@NotNull Path apiKeyPepperFile, @DefaultValue("24h") Duration apiKeyRotationOverlap) {
    public ApiKeyProperties {
        if (apiKeyRotationOverlap.isNegative() || apiKeyRotationOverlap.compareTo(ApiKeyController.MAX_OVERLAP) > 0) {
            throw new IllegalArgumentException("parley.auth.api-key-rotation-overlap must be 0 to 30 days: "
                    + apiKeyRotationOverlap);
        }
    }
}
