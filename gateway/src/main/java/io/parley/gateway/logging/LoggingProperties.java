package io.parley.gateway.logging;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What logback-spring.xml reads (through {@code <springProperty>}, before this record is bound); bound here
 * so that a mistyped value stops the start-up instead of quietly falling back.
 *
 * @param console {@code json} (one object per line) or {@code text}
 * @param fileDir a directory for file logs (JSON, rolled daily, gzipped, kept 7 days); empty: none
 * @param totalSizeCap the most the rolled log files may take together
 */
@Validated
@ConfigurationProperties("parley.logging")
public record LoggingProperties(
        @NotNull @Pattern(regexp = "json|text", message = "must be json or text") @DefaultValue("text") String console,
        @DefaultValue("") String fileDir,
        @NotNull @DefaultValue("1GB") DataSize totalSizeCap) {
}
