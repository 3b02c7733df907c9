@NullMarked
package io.parley.gateway.ws;

import org.jspecify.annotations.NullMarked;
