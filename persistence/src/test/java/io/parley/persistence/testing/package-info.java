/** Helpers for tests that need the real PostgreSQL database; published in persistence's test-jar. */
@NullMarked
package io.parley.persistence.testing;

import org.jspecify.annotations.NullMarked;
