/** Identity verification of a bot's visitors: its signing secrets and whether it accepts only verified visitors. */
@NullMarked
package io.parley.gateway.api.identity;

import org.jspecify.annotations.NullMarked;
