@NullMarked
package io.parley.gateway;

import org.jspecify.annotations.NullMarked;
