package io.parley.core.model;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One page of a list, newest or oldest first as the list says; {@code next} is null on the last page. */
public record Page<T>(List<T> items, @Nullable PageCursor next) {
    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page from up to {@code limit + 1} rows fetched in order: the extra row only tells that there is
     * a next page, which starts after the last item kept.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, PageCursor> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), next);
    }
}
