package io.parley.gateway.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where Redis is ({@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI) and the key
 * prefix that keeps environments apart when they share a server.
 */
@Validated
@ConfigurationProperties("parley.redis")
public record RedisProperties(
        @NotBlank @Pattern(regexp = "rediss?://.*|redis-sentinel://.*") @DefaultValue("redis://127.0.0.1:6379") String uri,
        @NotBlank @Pattern(regexp = "[A-Za-z0-9:_-]+") @DefaultValue("parley:") String keyPrefix) {
}
