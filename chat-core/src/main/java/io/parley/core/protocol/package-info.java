@NullMarked
package io.parley.core.protocol;

import org.jspecify.annotations.NullMarked;
