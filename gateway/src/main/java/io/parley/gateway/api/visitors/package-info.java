/**
 * A workspace's visitors over REST: listing and reading them (personal data masked unless the caller
 * may see it), exporting everything about one (GDPR access) and erasing one (GDPR erasure), both audited.
 */
@NullMarked
package io.parley.gateway.api.visitors;

import org.jspecify.annotations.NullMarked;
