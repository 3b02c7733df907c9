/**
 * Logs: JSON (or text in development) with secrets and personal data masked before a line is written.
 * {@link io.parley.gateway.logging.LogRedaction} holds the one list of what is masked; both encoders
 * that {@code logback-spring.xml} may use apply it.
 */
@NullMarked
package io.parley.gateway.logging;

import org.jspecify.annotations.NullMarked;
