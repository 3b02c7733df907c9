/**
 * Transport security: the BoringSSL engine check, HSTS, and the plain-HTTP listener that only
 * redirects to HTTPS. Protocols, cipher suites and certificate reload are configured on the
 * {@code server} SSL bundle in {@code application.yml}.
 */
@NullMarked
package io.parley.gateway.tls;

import org.jspecify.annotations.NullMarked;
