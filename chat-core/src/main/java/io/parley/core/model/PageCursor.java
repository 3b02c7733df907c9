package io.parley.core.model;

import java.time.Instant;

/** Where a page of a list ends: the sort key (creation instant, then id) of its last item. */
public record PageCursor(Instant at, String id) {
}
