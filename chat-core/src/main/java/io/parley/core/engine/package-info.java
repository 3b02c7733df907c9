@NullMarked
package io.parley.core.engine;

import org.jspecify.annotations.NullMarked;
