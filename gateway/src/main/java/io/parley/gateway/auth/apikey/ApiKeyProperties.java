package io.parley.gateway.auth.apikey;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code parley.auth.api-key-pepper-file}: at least 32 random bytes in base64, injected at run time. */
@Validated
@ConfigurationProperties("parley.auth")
public record ApiKeyProperties(@NotNull Path apiKeyPepperFile) {
}
