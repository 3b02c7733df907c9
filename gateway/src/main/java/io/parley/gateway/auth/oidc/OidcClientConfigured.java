package io.parley.gateway.auth.oidc;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Matches when at least one OIDC registration has a client id: only then is OIDC login offered at all. */
final class OidcClientConfigured extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, OAuth2ClientProperties.Registration> registrations = Binder.get(context.getEnvironment())
                .bind(OidcRegistrations.PREFIX + ".registration",
                        Bindable.mapOf(String.class, OAuth2ClientProperties.Registration.class))
                .orElse(Map.of());
        return registrations.values().stream().anyMatch(registration -> StringUtils.hasText(registration.getClientId()))
                ? ConditionOutcome.match("an OIDC client id is configured")
                : ConditionOutcome.noMatch("no OIDC client id is configured");
    }
}
