@NullMarked
package io.parley.core.responder;

import org.jspecify.annotations.NullMarked;
