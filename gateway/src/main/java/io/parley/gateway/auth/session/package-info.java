/** Operator sessions: ES256 access tokens, rotated refresh-token families, their cookies and endpoints. */
@NullMarked
package io.parley.gateway.auth.session;

import org.jspecify.annotations.NullMarked;
