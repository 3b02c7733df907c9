/**
 * PostgreSQL adapters of chat-core's ports: explicit SQL over R2DBC ({@code DatabaseClient}), reactive
 * transactions, and the Flyway migrations in {@code db/migration}.
 * {@link io.parley.persistence.postgres.PostgresAdapters} is the entry point; the adapters are package-private.
 */
@NullMarked
package io.parley.persistence.postgres;

import org.jspecify.annotations.NullMarked;
