package io.parley.core.model;

/**
 * How an operator logs in: an issuer and the subject it vouches for. OIDC: the issuer URL and the
 * {@code sub} claim (Microsoft: tenant-specific issuer and object id). Magic links:
 * {@link #MAGIC_LINK_ISSUER} and the normalised e-mail address. Never the e-mail of an OIDC login.
 */
public record Identity(String issuer, String subject) {
    public static final String MAGIC_LINK_ISSUER = "parley:magic-link";

    public Identity {
        if (issuer.isBlank() || subject.isBlank()) {
            throw new IllegalArgumentException("issuer and subject must not be blank");
        }
    }
}
