package io.parley.gateway.config;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The secret that signs visitor tokens: a file holding at least 32 random bytes in base64, injected
 * at run time. Tokens signed with a key in {@code previousKeyFiles} still verify during a rotation.
 */
@Validated
@ConfigurationProperties("parley.visitor-tokens")
public record VisitorTokenProperties(
        @NotNull Path keyFile,
        @DefaultValue List<Path> previousKeyFiles,
        @DefaultValue("90d") Duration lifetime) {
}
