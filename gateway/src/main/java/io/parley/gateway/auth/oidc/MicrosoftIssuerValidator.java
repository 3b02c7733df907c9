package io.parley.gateway.auth.oidc;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Microsoft's multi-tenant endpoints ({@code organizations}, {@code common}) have no one issuer: each
 * ID token's {@code iss} names the user's tenant. Spring's check against a configured issuer-uri
 * cannot apply, so this one does what Microsoft documents instead: {@code iss} must be exactly
 * {@code https://login.microsoftonline.com/<tid>/v2.0} for the token's own {@code tid}, and when
 * Parley is configured for one tenant, {@code tid} must be that tenant. Signature, audience, expiry
 * and nonce are checked as for every registration.
 */
final class MicrosoftIssuerValidator implements OAuth2TokenValidator<Jwt> {
    private static final OAuth2Error INVALID_ISSUER = new OAuth2Error("invalid_id_token",
            "The ID token's issuer is not its tenant's", null);

    private final @Nullable String tenantId;

    /** {@code tenant}: the configured tenant; only a tenant id (a GUID) restricts the tenants. */
    MicrosoftIssuerValidator(String tenant) {
        this.tenantId = OidcIdentities.GUID.matcher(tenant).matches() ? tenant.toLowerCase(Locale.ROOT) : null;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        String tid = token.getClaimAsString("tid");
        String issuer = token.getClaimAsString("iss");
        if (tid == null || !OidcIdentities.GUID.matcher(tid).matches()
                || !(OidcIdentities.MICROSOFT_ISSUER_PREFIX + tid + OidcIdentities.MICROSOFT_ISSUER_SUFFIX).equals(issuer)
                || (tenantId != null && !tenantId.equals(tid.toLowerCase(Locale.ROOT)))) {
            return OAuth2TokenValidatorResult.failure(INVALID_ISSUER);
        }
        return OAuth2TokenValidatorResult.success();
    }
}
