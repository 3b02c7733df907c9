/** Replies that outlive their node: the lease settings and the sweep that takes over dead nodes' replies. */
@NullMarked
package io.parley.gateway.replies;

import org.jspecify.annotations.NullMarked;
