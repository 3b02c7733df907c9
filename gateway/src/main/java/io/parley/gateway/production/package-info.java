/**
 * Production kept apart from development and test: the {@code prod} profile refuses to start with
 * demo data, development secrets, a self-signed certificate, missing secrets, weakened cookies, or
 * another environment's database or Redis key prefix.
 */
@NullMarked
package io.parley.gateway.production;

import org.jspecify.annotations.NullMarked;
