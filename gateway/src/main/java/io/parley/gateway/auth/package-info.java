@NullMarked
package io.parley.gateway.auth;

import org.jspecify.annotations.NullMarked;
