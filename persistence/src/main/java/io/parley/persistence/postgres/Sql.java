package io.parley.persistence.postgres;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Small helpers shared by the adapters' SQL code. */
final class Sql {

    private Sql() {
    }

    static GenericExecuteSpec bindNullable(GenericExecuteSpec spec, String name, @Nullable Object value,
                                           Class<?> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    static String string(Readable row, String column) {
        String value = row.get(column, String.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    static @Nullable String nullableString(Readable row, String column) {
        return row.get(column, String.class);
    }

    static byte[] bytes(Readable row, String column) {
        byte[] value = row.get(column, byte[].class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    static byte @Nullable [] nullableBytes(Readable row, String column) {
        return row.get(column, byte[].class);
    }

    static long longValue(Readable row, String column) {
        Long value = row.get(column, Long.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    static int intValue(Readable row, String column) {
        Integer value = row.get(column, Integer.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    static boolean bool(Readable row, String column) {
        Boolean value = row.get(column, Boolean.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    static Instant instant(Readable row, String column) {
        Instant value = row.get(column, Instant.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is unexpectedly null");
        }
        return value;
    }

    /** PostgreSQL keeps microseconds; what an adapter returns must equal what it reads back later. */
    static Instant storable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
