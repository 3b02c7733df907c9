/**
 * {@code /ws/agent}: the operators' socket. An operator proves who they are with the access token
 * of their login in the first frame; the socket then lives only as long as that session does.
 */
@NullMarked
package io.parley.gateway.ws.agent;

import org.jspecify.annotations.NullMarked;
