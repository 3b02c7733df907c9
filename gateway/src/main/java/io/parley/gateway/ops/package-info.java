/**
 * Operational endpoints served on the public port, such as {@code /.well-known/security.txt}.
 */
@NullMarked
package io.parley.gateway.ops;

import org.jspecify.annotations.NullMarked;
