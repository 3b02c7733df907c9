package io.parley.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where PostgreSQL is. {@code r2dbcUrl} may name several hosts for failover
 * ({@code r2dbc:postgresql:failover://h1,h2/parley?targetServerType=primary}); {@code jdbcUrl} is used
 * by the migrations only.
 */
@Validated
@ConfigurationProperties("parley.database")
public record DatabaseProperties(
        @NotBlank @Pattern(regexp = "r2dbcs?:.*") @DefaultValue("r2dbc:postgresql://127.0.0.1:5432/parley") String r2dbcUrl,
        @NotBlank @Pattern(regexp = "jdbc:postgresql:.*") @DefaultValue("jdbc:postgresql://127.0.0.1:5432/parley") String jdbcUrl,
        @NotBlank @DefaultValue("postgres") String username,
        @DefaultValue("") String password,
        @Min(1) @Max(200) @DefaultValue("20") int poolMaxSize) {
}
