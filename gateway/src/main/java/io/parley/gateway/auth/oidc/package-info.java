/**
 * OIDC login with Google and Microsoft through Spring Security's OAuth2 client: authorization code
 * with PKCE, state and nonce; operators keyed by issuer and subject (Microsoft: tenant and object id),
 * never by e-mail. A provider without a configured client id is simply not offered.
 */
@NullMarked
package io.parley.gateway.auth.oidc;

import org.jspecify.annotations.NullMarked;
