/** Workspaces, their members (roles) and invitations. */
@NullMarked
package io.parley.gateway.api.workspace;

import org.jspecify.annotations.NullMarked;
