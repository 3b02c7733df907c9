/**
 * The embeddable chat widget: {@code /widget.js} (the script website owners paste into their pages) and,
 * where {@code parley.widget.demo-page} is on (the {@code dev} profile), the {@code /demo} page embedding it.
 */
@NullMarked
package io.parley.gateway.widget;

import org.jspecify.annotations.NullMarked;
