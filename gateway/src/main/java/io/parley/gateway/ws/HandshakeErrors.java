package io.parley.gateway.ws;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Handshake failures are plain HTTP errors with a JSON body {@code {"error":…,"message":…}}. */
public final class HandshakeErrors {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HandshakeErrors() {
    }

    public static Mono<Void> refuse(ServerHttpResponse response, HttpStatus status, String error, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", error).put("message", message);
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setCacheControl("no-store");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

}
