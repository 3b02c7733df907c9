package io.parley.gateway.auth.oidc;

import io.parley.core.port.AuthThrottle;
import io.parley.gateway.auth.AuthAudit;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.magiclink.OperatorLogin;
import io.parley.gateway.auth.session.RefreshSessions;
import io.parley.gateway.auth.throttle.ClientAddresses;
import org.springframework.beans.factory.ObjectProvider;
import io.parley.persistence.redis.RedisAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.oidc.authentication.ReactiveOidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;
import org.springframework.util.StringUtils;

/**
 * The OIDC registrations (always a bean, perhaps empty, so that Spring Boot's own registration
 * repository — which refuses a registration without a client id — stands back), and OIDC login itself
 * only when some registration has a client id.
 */
@Configuration(proxyBeanMethods = false)
public class OidcWiring {

    @Bean
    OidcRegistrations oidcRegistrations(Environment environment, AuthProperties auth) {
        return OidcRegistrations.from(environment, auth);
    }

    @Bean
    @Conditional(OidcClientConfigured.class)
    OidcLogin oidcLogin(OidcRegistrations registrations, OperatorLogin login, RefreshSessions sessions,
                        AuthProperties auth, AuthThrottle throttle, ClientAddresses addresses,
                        ObjectProvider<AuthAudit> audit, RedisAdapters redis) {
        return new OidcLogin(registrations, login, sessions, auth, throttle, addresses, audit,
                new PendingLoginRequests(redis.pendingLogins()));
    }

    /**
     * How ID tokens are checked (oauth2Login picks this bean up): Spring's defaults — signature by the
     * provider's JWK set, exp/nbf with 60 s of clock skew, iss against the registration's issuer-uri,
     * aud containing the client id, azp — and for Microsoft without a single issuer-uri, the issuer
     * must be the token's own tenant's ({@link MicrosoftIssuerValidator}).
     */
    @Bean
    ReactiveJwtDecoderFactory<ClientRegistration> oidcIdTokenDecoderFactory(OidcProperties oidc) {
        ReactiveOidcIdTokenDecoderFactory factory = new ReactiveOidcIdTokenDecoderFactory();
        factory.setJwtValidatorFactory(registration -> {
            var standard = JwtValidators.createDefaultWithValidators(new OidcIdTokenValidator(registration));
            boolean multiTenantMicrosoft = OidcRegistrations.MICROSOFT.equals(registration.getRegistrationId())
                    && !StringUtils.hasText(registration.getProviderDetails().getIssuerUri());
            return multiTenantMicrosoft
                    ? new DelegatingOAuth2TokenValidator<>(standard, new MicrosoftIssuerValidator(oidc.microsoftTenant()))
                    : standard;
        });
        return factory;
    }
}
