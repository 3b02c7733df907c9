package io.parley.gateway.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Writes every error of {@code /api/**} as RFC 9457 problem details ({@code application/problem+json}):
 * Parley's own {@link ApiProblem}s, Spring's (unknown path 404, wrong method 405, wrong media type 415,
 * unreadable or unknown JSON fields 400, body over the limit 413), and anything else as a 500 that
 * names no internals. Ahead of Boot's error handler, which keeps the rest of the site.
 */
@Component
@Order(-2)
public final class ApiProblems implements WebExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiProblems.class);
    // the mix-in writes a problem's extra properties ("errors", …) as top-level members, as RFC 9457 has them
    private static final JsonMapper JSON = JsonMapper.builder()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();

    public static boolean isApi(ServerWebExchange exchange) {
        return exchange.getRequest().getPath().value().startsWith("/api/");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!isApi(exchange) || exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        ProblemDetail problem = problemFor(error);
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return write(exchange.getResponse(), problem);
    }

    public static Mono<Void> write(ServerHttpResponse response, ProblemDetail problem) {
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setCacheControl("no-store");
        byte[] body = JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** A problem of the security layer (401, 403), written the same way. */
    public static ProblemDetail securityProblem(HttpStatus status, String type, String detail) {
        return ApiProblem.of(status, type, detail).toProblemDetail(null);
    }

    static ProblemDetail problemFor(Throwable error) {
        if (error instanceof ApiProblem problem) {
            return problem.toProblemDetail(null);
        }
        DataBufferLimitException tooBig = causeOf(error, DataBufferLimitException.class);
        if (tooBig != null) {
            return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                    "The request body is larger than this endpoint accepts.").toProblemDetail(null);
        }
        if (error instanceof ServerWebInputException input) {
            return unreadable(input).toProblemDetail(null);
        }
        if (error instanceof ErrorResponse response) {
            ProblemDetail body = response.getBody();
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(response.getStatusCode(),
                    body.getDetail() == null ? "" : body.getDetail());
            problem.setType(URI.create(ApiProblem.TYPE_BASE + slug(HttpStatus.valueOf(response.getStatusCode().value()))));
            return problem;
        }
        LOG.error("unexpected error answering an API request", error);
        return ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "Something went wrong on our side; nothing you sent was wrong. Try again.").toProblemDetail(null);
    }

    private static ApiProblem unreadable(ServerWebInputException input) {
        UnrecognizedPropertyException unknown = causeOf(input, UnrecognizedPropertyException.class);
        if (unknown != null) {
            return ApiProblem.invalid(path(unknown), "Unknown field; the fields of this request are "
                    + unknown.getKnownPropertyIds() + ".");
        }
        InvalidFormatException format = causeOf(input, InvalidFormatException.class);
        if (format != null) {
            return ApiProblem.invalid(path(format), "Not a valid " + simpleType(format.getTargetType()) + ".");
        }
        MismatchedInputException mismatched = causeOf(input, MismatchedInputException.class);
        if (mismatched != null && !path(mismatched).isEmpty()) {
            return ApiProblem.invalid(path(mismatched), "Expected " + simpleType(mismatched.getTargetType()) + ".");
        }
        if (causeOf(input, JacksonException.class) != null || causeOf(input, DecodingException.class) != null) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "unreadable-body", "The body is not valid JSON for this request.");
        }
        if (input.getMethodParameter() != null && input.getReason() != null) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "invalid-request", input.getReason());
        }
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "unreadable-body",
                input.getReason() == null ? "The request could not be read." : input.getReason());
    }

    private static String path(DatabindException error) {
        return String.join(".", error.getPath().stream()
                .map(reference -> reference.getPropertyName() != null ? reference.getPropertyName()
                        : "[" + reference.getIndex() + "]")
                .toList()).replace(".[", "[");
    }

    private static String simpleType(@Nullable Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == String.class) {
            return "string";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (List.class.isAssignableFrom(type)) {
            return "array";
        }
        return type.isEnum() ? "value" : "object";
    }

    private static String slug(HttpStatus status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <T extends Throwable> @Nullable T causeOf(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
