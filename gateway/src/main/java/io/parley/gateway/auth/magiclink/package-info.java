/** Magic-link login: request by e-mail, confirm page on GET, redemption (and sign-up) on POST only. */
@NullMarked
package io.parley.gateway.auth.magiclink;

import org.jspecify.annotations.NullMarked;
