package io.parley.gateway.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Query-string filters of lists, read into values or collected as field errors named after the query
 * parameter. An absent or empty parameter does not filter.
 */
public final class QueryValues {
    private final List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();

    /** An RFC 3339 instant with its offset, e.g. {@code 2026-11-28T23:41:07Z}. */
    public @Nullable Instant instant(String field, @Nullable String value) {
        if (absent(value)) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(value.strip()).toInstant();
            return Pages.storable(instant) ? instant
                    : fail(field, "Give an instant between the years 1 and 9999.");
        } catch (DateTimeParseException e) {
            return fail(field, "Give an RFC 3339 instant with an offset, e.g. 2026-11-28T23:41:07Z.");
        }
    }

    public @Nullable Boolean bool(String field, @Nullable String value) {
        if (absent(value)) {
            return null;
        }
        return switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> fail(field, "Give true or false.");
        };
    }

    /** A whole number from {@code min} to {@code max}; {@code otherwise} when absent. */
    public long number(String field, @Nullable String value, long min, long max, long otherwise) {
        if (absent(value)) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below like any other number out of range
        }
        fail(field, "Give a whole number from " + min + " to " + max + ".");
        return otherwise;
    }

    /** An id of the shape {@code valid} accepts, made by {@code make}. */
    public <T> @Nullable T id(String field, @Nullable String value, Predicate<String> valid, Function<String, T> make,
                              String shape) {
        if (absent(value)) {
            return null;
        }
        return valid.test(value) ? make.apply(value) : fail(field, "Not a valid id; give " + shape + ".");
    }

    /** Records {@code field}'s error (also for checks made elsewhere); always null. */
    public <T> @Nullable T fail(String field, String message) {
        errors.add(new ApiProblem.FieldError(field, message));
        return null;
    }

    /** Checks that {@code from} is before {@code to} when both are given. */
    public void range(@Nullable Instant from, @Nullable Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            fail("to", "Give an instant after from.");
        }
    }

    /** Throws every error collected so far as one 400. */
    public void check() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }

    private static boolean absent(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
