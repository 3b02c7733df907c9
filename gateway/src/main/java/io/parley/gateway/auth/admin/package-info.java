/** Command-line administration that runs without the web server, e.g. creating the first owner. */
@NullMarked
package io.parley.gateway.auth.admin;

import org.jspecify.annotations.NullMarked;
