package io.parley.gateway.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error answer of the REST API, thrown (as an error signal) from anywhere below a controller and
 * written by {@link ApiProblems} as {@code application/problem+json}. {@code type} is a stable URI per
 * kind of problem that clients may switch on; field errors name the JSON field and say what to send.
 */
public final class ApiProblem extends RuntimeException {
    public static final String TYPE_BASE = "https://parley.dev/problems/";

    /** A field the client sent wrong, and what would be right. */
    public record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final String type;
    private final List<FieldError> errors;
    private final Map<String, Object> properties;

    private ApiProblem(HttpStatus status, String type, String detail, List<FieldError> errors,
                       Map<String, Object> properties) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.properties = Map.copyOf(properties);
    }

    public static ApiProblem of(HttpStatus status, String type, String detail) {
        return new ApiProblem(status, type, detail, List.of(), Map.of());
    }

    /** 404: unknown, or another workspace's (never 403, so that ids do not leak across workspaces). */
    public static ApiProblem notFound(String what) {
        return of(HttpStatus.NOT_FOUND, "not-found", "No such " + what + ".");
    }

    public static ApiProblem forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "forbidden", detail);
    }

    public static ApiProblem conflict(String type, String detail) {
        return of(HttpStatus.CONFLICT, type, detail);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid.";
        return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", detail, errors, Map.of());
    }

    /** The same problem with one more property in its body. */
    public ApiProblem with(String property, Object value) {
        Map<String, Object> more = new java.util.LinkedHashMap<>(properties);
        more.put(property, value);
        return new ApiProblem(status, type, getMessage(), errors, more);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public ProblemDetail toProblemDetail(@Nullable URI instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(URI.create(TYPE_BASE + type));
        if (instance != null) {
            problem.setInstance(instance);
        }
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        properties.forEach(problem::setProperty);
        return problem;
    }
}
