package io.parley.gateway.tls;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The plain-HTTP listener that redirects to HTTPS.
 *
 * @param redirectEnabled whether to listen on plain HTTP at all
 * @param redirectPort port of the plain-HTTP listener; 0 picks a free port
 * @param bindAddress address of the plain-HTTP listener
 * @param httpsPort port written into the {@code Location} header; when absent, the port the HTTPS
 *     server actually listens on. Set it when a load balancer maps a different public port
 *     (e.g. 443) to {@code server.port}
 */
@Validated
@ConfigurationProperties("parley.http")
public record HttpRedirectProperties(
        @DefaultValue("true") boolean redirectEnabled,
        @DefaultValue("8080") @Min(0) @Max(65535) int redirectPort,
        @DefaultValue("0.0.0.0") @NotBlank String bindAddress,
        @Nullable @Min(1) @Max(65535) Integer httpsPort) {
}
