package io.parley.gateway.auth.oidc;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * OIDC settings beyond Spring's {@code spring.security.oauth2.client.*}. {@code microsoftTenant} is
 * the Entra ID tenant the Microsoft registration's endpoints name: {@code organizations} (any work or
 * school account), {@code common} (also personal accounts) or one tenant's id. With one tenant id,
 * ID tokens of any other tenant are refused.
 */
@Validated
@ConfigurationProperties("parley.auth.oidc")
public record OidcProperties(@NotBlank @DefaultValue("organizations") String microsoftTenant) {
}
