@NullMarked
package io.parley.core.port;

import org.jspecify.annotations.NullMarked;
