/**
 * The agent console: a static page (plain JavaScript, no build step) served from the classpath under
 * {@code /console}, with its own strict Content-Security-Policy. It logs operators in with the
 * existing login endpoints and works over {@code /ws/agent}.
 */
@NullMarked
package io.parley.gateway.console;

import org.jspecify.annotations.NullMarked;
