package io.parley.gateway.auth.oidc;

import io.parley.core.model.Identity;
import io.parley.gateway.auth.magiclink.EmailAddresses;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Who an OIDC login is. The key is the issuer and the subject the ID token vouches for — never the
 * e-mail, which a provider may let its users change or reuse. Microsoft: {@code sub} is pairwise (it
 * differs per application), so the key is the tenant id and the object id instead, under the tenant's
 * own issuer ({@code https://login.microsoftonline.com/<tid>/v2.0}), whichever tenant endpoint
 * ({@code organizations}, {@code common} or the tenant's id) the login went through.
 */
final class OidcIdentities {
    static final String MICROSOFT_ISSUER_PREFIX = "https://login.microsoftonline.com/";
    static final String MICROSOFT_ISSUER_SUFFIX = "/v2.0";
    static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private OidcIdentities() {
    }

    /** What a login tells about the person: the key, and for a new operator an address and a name. */
    record Login(Identity identity, @Nullable String email, String displayName) {
    }

    /** Empty when the ID token lacks what the key needs (e.g. a Microsoft token without tid or oid). */
    static Optional<Login> of(String registrationId, OidcUser user) {
        Optional<Identity> identity = switch (registrationId) {
            case OidcRegistrations.GOOGLE -> google(user);
            case OidcRegistrations.MICROSOFT -> microsoft(user);
            default -> Optional.empty();
        };
        return identity.map(key -> {
            String email = email(user);
            return new Login(key, email, displayName(user, email));
        });
    }

    private static Optional<Identity> google(OidcUser user) {
        String issuer = user.getIdToken().getIssuer() == null ? null : user.getIdToken().getIssuer().toString();
        String subject = user.getIdToken().getSubject();
        return issuer == null || issuer.isBlank() || subject == null || subject.isBlank()
                ? Optional.empty()
                : Optional.of(new Identity(issuer, subject));
    }

    private static Optional<Identity> microsoft(OidcUser user) {
        String tid = user.getIdToken().getClaimAsString("tid");
        String oid = user.getIdToken().getClaimAsString("oid");
        if (tid == null || oid == null || !GUID.matcher(tid).matches() || !GUID.matcher(oid).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(microsoftIssuer(tid), oid.toLowerCase(java.util.Locale.ROOT)));
    }

    static String microsoftIssuer(String tid) {
        return MICROSOFT_ISSUER_PREFIX + tid.toLowerCase(java.util.Locale.ROOT) + MICROSOFT_ISSUER_SUFFIX;
    }

    /** The address, only to describe a new operator; not when the provider says it is unverified. */
    private static @Nullable String email(OidcUser user) {
        Boolean verified = user.getIdToken().getEmailVerified();
        String email = user.getIdToken().getEmail();
        if (email == null || Boolean.FALSE.equals(verified)) {
            return null;
        }
        return EmailAddresses.normalise(email).orElse(null);
    }

    private static String displayName(OidcUser user, @Nullable String email) {
        String name = user.getIdToken().getFullName();
        if (name != null && !name.isBlank()) {
            String stripped = name.strip();
            return stripped.length() > 100 ? stripped.substring(0, 100) : stripped;
        }
        return email != null ? email.substring(0, email.indexOf('@')) : "Operator";
    }
}
