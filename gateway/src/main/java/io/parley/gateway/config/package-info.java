@NullMarked
package io.parley.gateway.config;

import org.jspecify.annotations.NullMarked;
