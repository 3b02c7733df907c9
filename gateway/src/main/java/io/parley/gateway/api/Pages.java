package io.parley.gateway.api;

import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Cursor pagination of every list: {@code ?limit=1..100} (default 50) and {@code ?cursor=} from the
 * previous page's {@code nextCursor}. A cursor is opaque to clients (base64url of the last item's sort
 * key); a malformed one is a 400 on field {@code cursor}.
 */
public final class Pages {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private Pages() {
    }

    /** The page request from the query: {@code limit} and an optional {@code after} cursor. */
    public record Request(int limit, @Nullable PageCursor after) {
    }

    /** A page as sent: the items and the cursor of the next page, null on the last. */
    public record Body<T>(List<T> items, @Nullable String nextCursor) {
    }

    public static Request request(@Nullable String limit, @Nullable String cursor) {
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw ApiProblem.invalid("limit", "Give a whole number from 1 to " + MAX_LIMIT + ".");
            }
        }
        return new Request(size, cursor == null || cursor.isEmpty() ? null : decode(cursor));
    }

    public static <T> Body<T> body(Page<T> page) {
        return new Body<>(page.items(), page.next() == null ? null : encode(page.next()));
    }

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** Whether PostgreSQL's timestamptz holds {@code instant}: years 1 to 9999, as the API accepts them. */
    public static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    static String encode(PageCursor cursor) {
        long micros = cursor.at().getEpochSecond() * 1_000_000L + cursor.at().getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + cursor.id()).getBytes(StandardCharsets.UTF_8));
    }

    static PageCursor decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            long micros = Long.parseLong(text.substring(0, colon));
            String id = text.substring(colon + 1);
            Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            if (!ID.matcher(id).matches() || !storable(at)) {
                throw new IllegalArgumentException("not a cursor of ours");
            }
            return new PageCursor(at, id);
        } catch (RuntimeException e) {
            throw ApiProblem.invalid("cursor", "Not a cursor of this list; pass nextCursor from the previous page as it is.");
        }
    }
}
