package io.parley.gateway.auth.oidc;

import io.parley.gateway.auth.AuthProperties;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.util.StringUtils;
import reactor.core.publisher.Mono;

/**
 * The OIDC registrations Parley offers: those of {@code spring.security.oauth2.client.registration.*}
 * (with {@code provider.*}) whose client id is set; one without is left out, and that login is not
 * offered. Only {@link #GOOGLE} and {@link #MICROSOFT} are known (each maps its users differently).
 * Every registration uses the authorization code grant, asks for {@code openid}, and is redirected
 * back to {@link AuthProperties#baseUrl()} — never to an address built from the request's Host header.
 */
public final class OidcRegistrations implements ReactiveClientRegistrationRepository, Iterable<ClientRegistration> {
    public static final String GOOGLE = "google";
    public static final String MICROSOFT = "microsoft";
    static final String PREFIX = "spring.security.oauth2.client";
    static final String CALLBACK_PATH = "/login/oauth2/code/";
    private static final Set<String> KNOWN = Set.of(GOOGLE, MICROSOFT);
    private static final Logger LOG = LoggerFactory.getLogger(OidcRegistrations.class);

    private final Map<String, ClientRegistration> byId;

    OidcRegistrations(Map<String, ClientRegistration> byId) {
        this.byId = Map.copyOf(byId);
    }

    /**
     * Binds and checks the registrations. A registration with an {@code issuer-uri} is read from the
     * provider's discovery document at startup.
     *
     * @throws IllegalStateException for an unknown registration id, or one that is not OIDC
     */
    static OidcRegistrations from(Environment environment, AuthProperties auth) {
        OAuth2ClientProperties all = Binder.get(environment).bind(PREFIX, OAuth2ClientProperties.class)
                .orElseGet(OAuth2ClientProperties::new);
        OAuth2ClientProperties configured = new OAuth2ClientProperties();
        configured.getProvider().putAll(all.getProvider());
        all.getRegistration().forEach((id, registration) -> {
            if (!KNOWN.contains(id)) {
                throw new IllegalStateException("unknown OIDC registration '" + id + "': only " + KNOWN + " are supported");
            }
            if (StringUtils.hasText(registration.getClientId())) {
                // the public base URL, never one built from the request's Host header
                registration.setRedirectUri(auth.link(CALLBACK_PATH + id));
                configured.getRegistration().put(id, registration);
            } else {
                LOG.info("{} login is not offered: its client id is not configured", id);
            }
        });
        configured.validate();
        Map<String, ClientRegistration> byId = new LinkedHashMap<>();
        new OAuth2ClientPropertiesMapper(configured).asClientRegistrations().forEach((id, registration) -> {
            if (!AuthorizationGrantType.AUTHORIZATION_CODE.equals(registration.getAuthorizationGrantType())
                    || !registration.getScopes().contains(OidcScopes.OPENID)) {
                throw new IllegalStateException("OIDC registration '" + id
                        + "' must use the authorization_code grant and the openid scope");
            }
            byId.put(id, ClientRegistration.withClientRegistration(registration)
                    .redirectUri(auth.link(CALLBACK_PATH + id))
                    .build());
        });
        return new OidcRegistrations(byId);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    @Override
    public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
        return Mono.justOrEmpty(byId.get(registrationId));
    }

    @Override
    public Iterator<ClientRegistration> iterator() {
        return byId.values().iterator();
    }
}
