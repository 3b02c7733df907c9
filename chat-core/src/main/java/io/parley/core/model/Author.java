package io.parley.core.model;

/** Who wrote an event, as every participant sees it. */
public record Author(AuthorRole role, String id, String name) {
}
