/**
 * Reading a workspace's conversations and their stored events over REST, with each visitor's personal
 * data masked for callers that may not see it.
 */
@NullMarked
package io.parley.gateway.api.conversations;

import org.jspecify.annotations.NullMarked;
