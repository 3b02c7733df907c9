package io.parley.gateway.encryption;

import io.parley.persistence.encryption.EncryptionKeyFiles;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The keysets of encryption at rest, read from files injected at run time (never in the repository):
 *
 * @param keysetFile the field keyset: Tink JSON, AES256-GCM keys, the primary seals new values
 * @param blindIndexKeysetFile the blind-index keyset: Tink JSON, one HMAC-SHA256 PRF key
 * @param kekFile optional: a Tink JSON AES256-GCM keyset (the key-encryption key) that wraps both keysets;
 *                empty when they are stored unwrapped
 * @param reloadInterval how often a node checks the files for a changed keyset (a key added or promoted)
 */
@Validated
@ConfigurationProperties("parley.encryption")
public record EncryptionProperties(
        @NotNull Path keysetFile,
        @NotNull Path blindIndexKeysetFile,
        @DefaultValue("") String kekFile,
        @DefaultValue("30s") Duration reloadInterval) {

    @AssertTrue(message = "reload-interval must be between 100 ms and 10 min")
    public boolean isReloadIntervalSensible() {
        return reloadInterval.compareTo(Duration.ofMillis(100)) >= 0 && reloadInterval.compareTo(Duration.ofMinutes(10)) <= 0;
    }

    public EncryptionKeyFiles files() {
        return new EncryptionKeyFiles(keysetFile, blindIndexKeysetFile, kekFile.isBlank() ? null : Path.of(kekFile));
    }
}
