/** Identity tokens: how a site vouches for its signed-in user to the chat. */
@NullMarked
package io.parley.core.identity;

import org.jspecify.annotations.NullMarked;
