package io.parley.persistence.postgres;

import io.parley.core.model.ApiKey;
import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.ApiKeys;
import io.parley.core.port.Clock;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** API keys in table {@code api_keys}; scopes are kept by their wire names. */
final class PostgresApiKeys implements ApiKeys {

    private static final String COLUMNS = "id, workspace_id, name, prefix, scopes, created_at, expires_at, revoked_at, rotated_to";

    private final DatabaseClient db;
    private final Clock clock;

    PostgresApiKeys(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Mono<ApiKey> create(WorkspaceId workspace, String name, Set<ApiKeyScope> scopes,
                               @Nullable Instant expiresAt, byte[] keyHash, String prefix) {
        return Mono.defer(() -> {
            String[] wireScopes = scopes.stream().map(ApiKeyScope::wire).sorted().toArray(String[]::new);
            var insert = db.sql("INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes, created_at, "
                            + "expires_at) VALUES (:id, :workspaceId, :name, :prefix, :keyHash, :scopes, :createdAt, "
                            + ":expiresAt) RETURNING " + COLUMNS)
                    .bind("id", SecureIds.apiKeyId().value())
                    .bind("workspaceId", workspace.value())
                    .bind("name", name)
                    .bind("prefix", prefix)
                    .bind("keyHash", keyHash)
                    .bind("scopes", wireScopes)
                    .bind("createdAt", Sql.storable(clock.now()));
            return Sql.bindNullable(insert, "expiresAt", expiresAt == null ? null : Sql.storable(expiresAt),
                            Instant.class)
                    .map(PostgresApiKeys::apiKey)
                    .one();
        });
    }

    @Override
    public Mono<ApiKey> findByHash(byte[] keyHash) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :keyHash")
                .bind("keyHash", keyHash)
                .map(PostgresApiKeys::apiKey)
                .one();
    }

    @Override
    public Mono<Boolean> revoke(WorkspaceId workspace, ApiKeyId id, Instant at) {
        return db.sql("""
                        UPDATE api_keys SET revoked_at = COALESCE(revoked_at, :at)
                         WHERE id = :id AND workspace_id = :workspaceId
                        RETURNING id""")
                .bind("at", Sql.storable(at))
                .bind("id", id.value())
                .bind("workspaceId", workspace.value())
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<ApiKey> rotate(WorkspaceId workspace, ApiKeyId id, Instant oldValidUntil, byte[] keyHash, String prefix) {
        // One statement: of two rotations racing for one key, the row lock lets exactly one through.
        return Mono.defer(() -> db.sql("""
                        WITH old AS (
                            SELECT id, name, scopes, expires_at FROM api_keys
                             WHERE id = :id AND workspace_id = :workspaceId AND revoked_at IS NULL
                               AND rotated_to IS NULL AND (expires_at IS NULL OR expires_at > :now)
                               FOR UPDATE),
                        successor AS (
                            INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes, created_at, expires_at)
                            SELECT :newId, :workspaceId, old.name, :prefix, :keyHash, old.scopes, :now, old.expires_at
                              FROM old
                            RETURNING\s""" + COLUMNS + """
                        ),
                        shortened AS (
                            UPDATE api_keys SET rotated_to = :newId,
                                                expires_at = LEAST(COALESCE(api_keys.expires_at, :until), :until)
                              FROM old WHERE api_keys.id = old.id
                            RETURNING api_keys.id)
                        SELECT successor.* FROM successor, shortened""")
                .bind("id", id.value())
                .bind("workspaceId", workspace.value())
                .bind("now", Sql.storable(clock.now()))
                .bind("newId", SecureIds.apiKeyId().value())
                .bind("prefix", prefix)
                .bind("keyHash", keyHash)
                .bind("until", Sql.storable(oldValidUntil))
                .map(PostgresApiKeys::apiKey)
                .one());
    }

    @Override
    public Flux<ApiKey> list(WorkspaceId workspace) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE workspace_id = :workspaceId ORDER BY created_at, id")
                .bind("workspaceId", workspace.value())
                .map(PostgresApiKeys::apiKey)
                .all();
    }

    private static ApiKey apiKey(Readable row) {
        String[] wireScopes = row.get("scopes", String[].class);
        Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
        // a scope this version does not know (written by a newer one) grants nothing here
        Arrays.stream(wireScopes == null ? new String[0] : wireScopes)
                .forEach(wire -> ApiKeyScope.fromWire(wire).ifPresent(scopes::add));
        return new ApiKey(new ApiKeyId(Sql.string(row, "id")), new WorkspaceId(Sql.string(row, "workspace_id")),
                Sql.string(row, "name"), Sql.string(row, "prefix"), scopes, Sql.instant(row, "created_at"),
                row.get("expires_at", Instant.class), row.get("revoked_at", Instant.class),
                row.get("rotated_to", String.class) == null ? null : new ApiKeyId(Sql.string(row, "rotated_to")));
    }
}
