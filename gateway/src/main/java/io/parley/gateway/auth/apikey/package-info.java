/**
 * Server API keys ({@code sk_…}): issued, listed and revoked by a workspace's owners and managers, shown
 * once, stored only as HMAC-SHA256 under a pepper read from a file, and accepted as
 * {@code Authorization: Bearer sk_…} (throttled per client address on failures).
 */
@NullMarked
package io.parley.gateway.auth.apikey;

import org.jspecify.annotations.NullMarked;
