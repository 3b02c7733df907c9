/** A workspace's audit log over REST, for its owners. */
@NullMarked
package io.parley.gateway.api.auditlog;

import org.jspecify.annotations.NullMarked;
