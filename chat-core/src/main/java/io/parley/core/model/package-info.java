@NullMarked
package io.parley.core.model;

import org.jspecify.annotations.NullMarked;
