package io.parley.persistence.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** The conditions of a list query, each added only when its filter is given, with the values they bind. */
final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Adds {@code condition}, which names {@code :name}. */
    Where and(String condition, String name, Object value) {
        conditions.add(condition);
        values.put(name, value);
        return this;
    }

    /** Adds {@code condition}, which names {@code :name} and {@code :other}. */
    Where and(String condition, String name, Object value, String other, Object otherValue) {
        and(condition, name, value);
        values.put(other, otherValue);
        return this;
    }

    String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    GenericExecuteSpec bind(GenericExecuteSpec spec) {
        for (Map.Entry<String, Object> value : values.entrySet()) {
            spec = spec.bind(value.getKey(), value.getValue());
        }
        return spec;
    }
}
